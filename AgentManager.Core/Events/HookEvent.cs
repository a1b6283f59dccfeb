using AgentManager.Hooks;

namespace AgentManager.Events;

/// <summary>A runtime hook ran: <c>hook_succeeded</c> or <c>hook_failed</c>, with its exit code, duration and
/// output tail.</summary>
/// <remarks><see cref="AgentManagerEvent.WorkflowId"/> is the workflow the hook ran for; for the task plan hook
/// points it is the plan id.</remarks>
public sealed record HookEvent : AgentManagerEvent
{
    /// <summary>Creates a hook event.</summary>
    /// <param name="type"><see cref="EventTypes.HookSucceeded"/> or <see cref="EventTypes.HookFailed"/>.</param>
    /// <param name="workflowId">The workflow (or plan) the hook ran for.</param>
    /// <param name="timestamp">When the hook finished, from the caller's <see cref="TimeProvider"/>.</param>
    /// <param name="hookName">The hook's name.</param>
    /// <param name="point">The hook point it ran at.</param>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a <c>hook_*</c> constant or
    /// <paramref name="workflowId"/> is not a valid id.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="hookName"/> is null.</exception>
    public HookEvent(string type, string workflowId, DateTimeOffset timestamp, string hookName, HookPoint point)
        : base(RequireHookType(type), workflowId, timestamp)
    {
        ArgumentNullException.ThrowIfNull(hookName);
        HookName = hookName;
        Point = point;
    }

    /// <summary>Gets the hook's name.</summary>
    public string HookName { get; }

    /// <summary>Gets the hook point it ran at; <see cref="HookPointNames.ToWireName"/> gives its wire name.</summary>
    public HookPoint Point { get; }

    /// <summary>Gets the exit code, or <see langword="null"/> when the process timed out or could not start.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Gets how long the hook ran.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Gets the last lines of its standard output followed by its standard error; empty when it
    /// printed nothing, timed out or could not start.</summary>
    public string OutputTail { get; init; } = "";

    /// <summary>Gets why it failed, in words; <see langword="null"/> on success.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets whether the hook was killed because it ran past its timeout.</summary>
    public bool TimedOut { get; init; }

    /// <summary>Gets whether the hook's failure is tolerated (<c>allow_failure</c>).</summary>
    public bool AllowFailure { get; init; }

    private static string RequireHookType(string type) => EventTypes.IsHookType(type)
        ? type
        : throw new ArgumentException(
            $"'{type}' is not a hook event type; use EventTypes.HookSucceeded (hook_succeeded) or EventTypes.HookFailed (hook_failed).",
            nameof(type));
}

namespace AgentManager.Hooks;

/// <summary>What running the hooks of one point gave: each hook's outcome and whether the operation is
/// blocked.</summary>
public sealed class HookRunResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="point">The hook point.</param>
    /// <param name="outcomes">The outcome of each hook that ran, in run order.</param>
    /// <param name="blockedBy">The failure that blocks the operation, or <see langword="null"/>; only at a
    /// blocking point, for a hook without <see cref="HookDefinition.AllowFailure"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="outcomes"/> is null.</exception>
    public HookRunResult(HookPoint point, IReadOnlyList<HookOutcome> outcomes, HookOutcome? blockedBy = null)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        Point = point;
        Outcomes = outcomes;
        BlockedBy = blockedBy;
    }

    /// <summary>Gets the hook point.</summary>
    public HookPoint Point { get; }

    /// <summary>Gets the outcome of each hook that ran, in run order; empty when hooks are disabled or none is
    /// configured for the point.</summary>
    public IReadOnlyList<HookOutcome> Outcomes { get; }

    /// <summary>Gets the failed hook that blocks the operation, or <see langword="null"/>.</summary>
    public HookOutcome? BlockedBy { get; }

    /// <summary>Gets whether a hook blocks the operation: the caller refuses it, giving <see cref="Reason"/>.</summary>
    public bool Blocked => BlockedBy is not null;

    /// <summary>Gets why the operation is blocked, naming the hook; <see langword="null"/> when it is not.</summary>
    public string? Reason => BlockedBy?.Error;

    /// <summary>Gets a result for a point where no hook ran.</summary>
    /// <param name="point">The hook point.</param>
    /// <returns>A result with no outcomes that does not block.</returns>
    public static HookRunResult None(HookPoint point) => new(point, []);
}

namespace AgentManager.Hooks;

/// <summary>Runs the hooks configured for a <see cref="HookPoint"/>.</summary>
public interface IHookRunner
{
    /// <summary>Runs, one after another in configured order, every enabled hook of <paramref name="point"/>,
    /// and publishes a <c>hook_succeeded</c> or <c>hook_failed</c> event for each.</summary>
    /// <param name="point">The hook point.</param>
    /// <param name="workflowId">The workflow the hooks run for (for the task plan points: the plan id); the
    /// events carry it and the hooks receive it as <c>AGENTMANAGER_WORKFLOW_ID</c>.</param>
    /// <param name="context">Values for the hooks, passed as environment variables
    /// <c>AGENTMANAGER_&lt;KEY&gt;</c>: keys upper-cased with every character other than <c>A-Z 0-9 _</c> written
    /// <c>_</c>, values stripped of control characters (NUL, newlines, ...) and cut to
    /// <see cref="HookOptions.MaxContextValueChars"/>. The hooks also receive <c>AGENTMANAGER_HOOK_POINT</c>
    /// (the point's wire name), <c>AGENTMANAGER_HOOK_NAME</c> and <c>AGENTMANAGER_WORKFLOW_ID</c>, which win
    /// over context keys of the same name.</param>
    /// <param name="cancellationToken">Stops the run: the running hook's process tree is killed and awaited,
    /// and <see cref="OperationCanceledException"/> is thrown.</param>
    /// <returns>Each hook's outcome. At a blocking point (<see cref="HookPointNames.IsBlocking"/>) the first
    /// hook that fails without <see cref="HookDefinition.AllowFailure"/> makes the result
    /// <see cref="HookRunResult.Blocked"/> and the remaining hooks do not run; at the other points every hook
    /// runs and the result never blocks. A hook failure is an outcome, never an exception.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="workflowId"/> is not a valid id.</exception>
    ValueTask<HookRunResult> RunAsync(
        HookPoint point,
        string workflowId,
        IReadOnlyDictionary<string, string> context,
        CancellationToken cancellationToken);
}

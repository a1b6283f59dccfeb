namespace AgentManager.Lifecycle;

/// <summary>The snake_case wire names of <see cref="TaskState"/> and <see cref="TaskTrigger"/>
/// (for example <c>blocked_hitl</c>, <c>dependencies_met</c>), and which states are terminal.</summary>
public static class TaskStateNames
{
    /// <summary>Gets the wire name of a state.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The snake_case name, for example <c>blocked_hitl</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="state"/> is not a defined value.</exception>
    public static string ToWireName(this TaskState state) => state switch
    {
        TaskState.Pending => "pending",
        TaskState.Ready => "ready",
        TaskState.Implementing => "implementing",
        TaskState.Verifying => "verifying",
        TaskState.Completed => "completed",
        TaskState.Failed => "failed",
        TaskState.BlockedRepair => "blocked_repair",
        TaskState.BlockedHitl => "blocked_hitl",
        TaskState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Not a defined TaskState."),
    };

    /// <summary>Gets the wire name of a trigger.</summary>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The snake_case name, for example <c>dependencies_met</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trigger"/> is not a defined value.</exception>
    public static string ToWireName(this TaskTrigger trigger) => trigger switch
    {
        TaskTrigger.DependenciesMet => "dependencies_met",
        TaskTrigger.Start => "start",
        TaskTrigger.ImplementationSucceeded => "implementation_succeeded",
        TaskTrigger.VerificationPassed => "verification_passed",
        TaskTrigger.AttemptFailed => "attempt_failed",
        TaskTrigger.Retry => "retry",
        TaskTrigger.GiveUp => "give_up",
        TaskTrigger.Block => "block",
        TaskTrigger.HumanRetry => "human_retry",
        TaskTrigger.HumanComplete => "human_complete",
        TaskTrigger.HumanFail => "human_fail",
        TaskTrigger.Cancel => "cancel",
        TaskTrigger.LeaseExpired => "lease_expired",
        _ => throw new ArgumentOutOfRangeException(nameof(trigger), trigger, "Not a defined TaskTrigger."),
    };

    /// <summary>Parses a state's wire name. Matching is exact and case-sensitive.</summary>
    /// <param name="value">The wire name, for example <c>blocked_hitl</c>.</param>
    /// <param name="state">The state when the name is known; otherwise <see cref="TaskState.Pending"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a state's wire name.</returns>
    public static bool TryParseState(string? value, out TaskState state)
    {
        TaskState? parsed = value switch
        {
            "pending" => TaskState.Pending,
            "ready" => TaskState.Ready,
            "implementing" => TaskState.Implementing,
            "verifying" => TaskState.Verifying,
            "completed" => TaskState.Completed,
            "failed" => TaskState.Failed,
            "blocked_repair" => TaskState.BlockedRepair,
            "blocked_hitl" => TaskState.BlockedHitl,
            "cancelled" => TaskState.Cancelled,
            _ => null,
        };
        state = parsed.GetValueOrDefault();
        return parsed.HasValue;
    }

    /// <summary>Parses a trigger's wire name. Matching is exact and case-sensitive.</summary>
    /// <param name="value">The wire name, for example <c>human_complete</c>.</param>
    /// <param name="trigger">The trigger when the name is known; otherwise <see cref="TaskTrigger.DependenciesMet"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a trigger's wire name.</returns>
    public static bool TryParseTrigger(string? value, out TaskTrigger trigger)
    {
        TaskTrigger? parsed = value switch
        {
            "dependencies_met" => TaskTrigger.DependenciesMet,
            "start" => TaskTrigger.Start,
            "implementation_succeeded" => TaskTrigger.ImplementationSucceeded,
            "verification_passed" => TaskTrigger.VerificationPassed,
            "attempt_failed" => TaskTrigger.AttemptFailed,
            "retry" => TaskTrigger.Retry,
            "give_up" => TaskTrigger.GiveUp,
            "block" => TaskTrigger.Block,
            "human_retry" => TaskTrigger.HumanRetry,
            "human_complete" => TaskTrigger.HumanComplete,
            "human_fail" => TaskTrigger.HumanFail,
            "cancel" => TaskTrigger.Cancel,
            "lease_expired" => TaskTrigger.LeaseExpired,
            _ => null,
        };
        trigger = parsed.GetValueOrDefault();
        return parsed.HasValue;
    }

    /// <summary>Tells whether a state is terminal: <see cref="TaskState.Completed"/>,
    /// <see cref="TaskState.Failed"/> or <see cref="TaskState.Cancelled"/>.</summary>
    /// <param name="state">The state.</param>
    /// <returns><see langword="true"/> for a terminal state. A failed task is terminal for the engine;
    /// only a human can still complete it.</returns>
    public static bool IsTerminal(this TaskState state) =>
        state is TaskState.Completed or TaskState.Failed or TaskState.Cancelled;
}

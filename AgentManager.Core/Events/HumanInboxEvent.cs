namespace AgentManager.Events;

/// <summary>Something happened in the human inbox that is not itself a task transition:
/// <c>human_decision_rejected</c> (a stored decision could not be applied) or <c>human_deadline_passed</c> (a
/// blocked task's deadline passed; the transition of the deadline's action follows as a <see cref="TaskEvent"/>).</summary>
public sealed record HumanInboxEvent : AgentManagerEvent
{
    /// <summary>Creates the event.</summary>
    /// <param name="type"><see cref="EventTypes.HumanDecisionRejected"/> or <see cref="EventTypes.HumanDeadlinePassed"/>.</param>
    /// <param name="workflowId">The workflow.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="timestamp">When it happened, from the caller's <see cref="TimeProvider"/>.</param>
    /// <param name="reason">Why, in words.</param>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a <c>human_*</c> constant or an id is invalid.</exception>
    public HumanInboxEvent(string type, string workflowId, string taskId, DateTimeOffset timestamp, string reason)
        : base(EventTypes.IsHumanInboxType(type)
            ? type
            : throw new ArgumentException($"'{type}' is not a human inbox event type; use EventTypes.HumanDecisionRejected (human_decision_rejected) or EventTypes.HumanDeadlinePassed (human_deadline_passed).", nameof(type)),
            workflowId,
            timestamp)
    {
        Ids.ThrowIfInvalid(taskId);
        TaskId = taskId;
        Reason = reason;
    }

    /// <summary>Gets the task.</summary>
    public string TaskId { get; }

    /// <summary>Gets why, in words.</summary>
    public string Reason { get; }

    /// <summary>Gets the decision that was rejected; <see langword="null"/> for a deadline.</summary>
    public string? DecisionId { get; init; }

    /// <summary>Gets who took the rejected decision; <see langword="null"/> for a deadline.</summary>
    public string? Actor { get; init; }
}

namespace AgentManager.Events;

/// <summary>Something happened to a whole workflow: created, started, completed, failed or cancelled.</summary>
public sealed record WorkflowEvent : AgentManagerEvent
{
    /// <summary>Creates a workflow event.</summary>
    /// <param name="type">One of the <c>workflow_*</c> constants of <see cref="EventTypes"/>.</param>
    /// <param name="workflowId">The workflow.</param>
    /// <param name="timestamp">When it happened, from the caller's <see cref="TimeProvider"/>.</param>
    /// <param name="reason">Why, in words; useful for failures and cancellations.</param>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a <c>workflow_*</c> constant or
    /// <paramref name="workflowId"/> is not a valid id.</exception>
    public WorkflowEvent(string type, string workflowId, DateTimeOffset timestamp, string? reason = null)
        : base(RequireWorkflowType(type), workflowId, timestamp)
    {
        Reason = reason;
    }

    /// <summary>Gets why it happened, when given.</summary>
    public string? Reason { get; }

    private static string RequireWorkflowType(string type) => EventTypes.IsWorkflowType(type)
        ? type
        : throw new ArgumentException(
            $"'{type}' is not a workflow event type; use one of the EventTypes.Workflow* constants (workflow_created, workflow_started, workflow_completed, workflow_failed, workflow_cancelled).",
            nameof(type));
}

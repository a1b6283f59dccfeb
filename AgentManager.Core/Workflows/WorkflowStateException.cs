namespace AgentManager.Workflows;

/// <summary>Raised when an operation does not fit the workflow's current status (e.g. starting it twice).</summary>
public sealed class WorkflowStateException : AgentManagerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="workflowId">The workflow.</param>
    /// <param name="status">Its status when the operation was refused.</param>
    /// <param name="message">A sentence naming the operation and the rule.</param>
    public WorkflowStateException(string workflowId, WorkflowStatus status, string message)
        : base(message)
    {
        WorkflowId = workflowId;
        Status = status;
    }

    /// <summary>Gets the workflow id.</summary>
    public string WorkflowId { get; }

    /// <summary>Gets the status that refused the operation.</summary>
    public WorkflowStatus Status { get; }
}

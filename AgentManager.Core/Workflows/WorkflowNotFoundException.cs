namespace AgentManager.Workflows;

/// <summary>Raised when a workflow id names no known workflow.</summary>
public sealed class WorkflowNotFoundException : AgentManagerException
{
    /// <summary>Creates the exception for the unknown id.</summary>
    /// <param name="workflowId">The id that was not found.</param>
    public WorkflowNotFoundException(string workflowId)
        : base($"Workflow '{workflowId}' does not exist.")
    {
        WorkflowId = workflowId;
    }

    /// <summary>Gets the id that was not found.</summary>
    public string WorkflowId { get; }
}

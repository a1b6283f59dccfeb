namespace AgentManager.Persistence;

/// <summary>A commit that creates a workflow (see <see cref="StateChanges.CreatedWorkflows"/>) found it already
/// stored: another writer created the same id first. The store changed nothing.</summary>
public sealed class WorkflowExistsException : AgentManagerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="workflowId">The workflow id that is already stored.</param>
    public WorkflowExistsException(string workflowId)
        : base($"Workflow '{workflowId}' is already stored: another engine or process created it first; workflow ids must be unique, so nothing was stored.")
    {
        WorkflowId = workflowId;
    }

    /// <summary>Gets the workflow id that is already stored.</summary>
    public string WorkflowId { get; }
}

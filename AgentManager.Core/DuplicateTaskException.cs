namespace AgentManager;

/// <summary>Raised when a task id is added twice.</summary>
public sealed class DuplicateTaskException : AgentManagerException
{
    /// <summary>Creates the exception for the duplicated id.</summary>
    /// <param name="taskId">The id that already exists.</param>
    public DuplicateTaskException(string taskId)
        : base($"Task '{taskId}' already exists; task ids must be unique.")
    {
        TaskId = taskId;
    }

    /// <summary>Gets the id that already exists.</summary>
    public string TaskId { get; }
}

namespace AgentManager;

/// <summary>Raised when a task id names no known task.</summary>
public sealed class TaskNotFoundException : AgentManagerException
{
    /// <summary>Creates the exception for the unknown task id.</summary>
    /// <param name="taskId">The id that was not found.</param>
    public TaskNotFoundException(string taskId)
        : base($"Task '{taskId}' does not exist.")
    {
        TaskId = taskId;
    }

    /// <summary>Creates the exception for the unknown task id with a specific message.</summary>
    /// <param name="taskId">The id that was not found.</param>
    /// <param name="message">A sentence that explains where the id was used.</param>
    public TaskNotFoundException(string taskId, string message)
        : base(message)
    {
        TaskId = taskId;
    }

    /// <summary>Gets the id that was not found.</summary>
    public string TaskId { get; }
}

namespace AgentManager.Graph;

/// <summary>Raised when a task is completed before all of its dependencies are.</summary>
public sealed class TaskNotReadyException : AgentManagerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="unmetDependencies">Its dependencies that are not completed.</param>
    public TaskNotReadyException(string taskId, IReadOnlyList<string> unmetDependencies)
        : base($"Task '{taskId}' cannot complete: its dependencies {string.Join(", ", unmetDependencies.Select(d => $"'{d}'"))} are not completed.")
    {
        TaskId = taskId;
        UnmetDependencies = unmetDependencies;
    }

    /// <summary>Gets the task.</summary>
    public string TaskId { get; }

    /// <summary>Gets its dependencies that are not completed.</summary>
    public IReadOnlyList<string> UnmetDependencies { get; }
}

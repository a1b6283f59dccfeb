using AgentManager.Lifecycle;

namespace AgentManager.Inbox;

/// <summary>Raised when a human decision names a task that is not blocked for a human; nothing changed.</summary>
public sealed class TaskNotBlockedException : AgentManagerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="workflowId">The workflow.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="state">The task's state when the decision was refused.</param>
    public TaskNotBlockedException(string workflowId, string taskId, TaskState state)
        : base($"Task '{taskId}' of workflow '{workflowId}' is {state.ToWireName()}, not blocked_hitl; only a task blocked for a human accepts a human decision.")
    {
        WorkflowId = workflowId;
        TaskId = taskId;
        State = state;
    }

    /// <summary>Gets the workflow.</summary>
    public string WorkflowId { get; }

    /// <summary>Gets the task.</summary>
    public string TaskId { get; }

    /// <summary>Gets the task's state when the decision was refused.</summary>
    public TaskState State { get; }
}

namespace AgentManager.Workflows;

/// <summary>Where a workflow is in its life.</summary>
public enum WorkflowStatus
{
    /// <summary>Created and validated; no task runs until it is started.</summary>
    Created,

    /// <summary>Started: tasks are dispatched as their dependencies complete.</summary>
    Running,

    /// <summary>Every task completed.</summary>
    Completed,

    /// <summary>At least one task failed after its attempts ran out; its dependents were cancelled.</summary>
    Failed,

    /// <summary>Cancelled on request before every task finished.</summary>
    Cancelled,
}

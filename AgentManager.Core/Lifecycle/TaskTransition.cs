namespace AgentManager.Lifecycle;

/// <summary>One move of a task from a state to another, as made by
/// <see cref="TaskLifecycle.Transition"/>.</summary>
/// <param name="WorkflowId">The workflow the task belongs to.</param>
/// <param name="TaskId">The task that moved.</param>
/// <param name="From">The state before the move.</param>
/// <param name="To">The state after the move.</param>
/// <param name="Trigger">What caused the move.</param>
/// <param name="Reason">Why, in words; always set for human triggers.</param>
/// <param name="Actor">Who made the move: <see cref="TaskLifecycle.EngineActor"/> or a human's name.</param>
/// <param name="Attempt">The task's attempt number at the time of the move, as given by the caller.</param>
/// <param name="Timestamp">When the move happened.</param>
public sealed record TaskTransition(
    string WorkflowId,
    string TaskId,
    TaskState From,
    TaskState To,
    TaskTrigger Trigger,
    string? Reason,
    string Actor,
    int Attempt,
    DateTimeOffset Timestamp);

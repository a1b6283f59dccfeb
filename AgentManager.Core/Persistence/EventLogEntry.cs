using AgentManager.Lifecycle;

namespace AgentManager.Persistence;

/// <summary>One event of a store's event log: an event committed with the changes it reports, numbered
/// in commit order.</summary>
public sealed record EventLogEntry
{
    /// <summary>Gets the event's position in the log: unique, increasing in commit order, never reused
    /// (not even after a purge), starting at 1.</summary>
    public required long Sequence { get; init; }

    /// <summary>Gets the snake_case event type, for example <c>task_completed</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Gets the workflow the event belongs to.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Gets the task of a task event; <see langword="null"/> for other events.</summary>
    public string? TaskId { get; init; }

    /// <summary>Gets when the event happened.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets why it happened, when the event says.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets the id that ties the event to a request or run, when it had one.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Gets the transition of a task event; <see langword="null"/> for other events.</summary>
    public TaskTransition? Transition { get; init; }
}

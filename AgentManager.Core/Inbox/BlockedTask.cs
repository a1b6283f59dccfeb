using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;

namespace AgentManager.Inbox;

/// <summary>A task that waits for a human (<c>blocked_hitl</c>), with what a person needs to decide.</summary>
public sealed class BlockedTask
{
    /// <summary>Gets the workflow.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Gets the workflow's name, if it has one.</summary>
    public string? WorkflowName { get; init; }

    /// <summary>Gets the task.</summary>
    public required string TaskId { get; init; }

    /// <summary>Gets the task's title, if it has one.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the task's own agent.</summary>
    public string? AgentId { get; init; }

    /// <summary>Gets how many attempts were made, by every agent of the ladder.</summary>
    public required int Attempts { get; init; }

    /// <summary>Gets the last error.</summary>
    public string? LastError { get; init; }

    /// <summary>Gets the tail of the last agent output.</summary>
    public string? LastOutput { get; init; }

    /// <summary>Gets when the task was blocked.</summary>
    public required DateTimeOffset BlockedAt { get; init; }

    /// <summary>Gets when the task's deadline passes, if its policy sets one.</summary>
    public DateTimeOffset? DeadlineAt { get; init; }

    /// <summary>Gets the task's transitions, oldest first.</summary>
    public required IReadOnlyList<TaskTransition> History { get; init; }

    /// <summary>Gets decisions about the task that are stored but not yet taken by the engine, oldest first.</summary>
    public required IReadOnlyList<HumanDecisionRecord> PendingDecisions { get; init; }
}

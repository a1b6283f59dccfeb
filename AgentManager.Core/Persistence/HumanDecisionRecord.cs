using AgentManager.Inbox;

namespace AgentManager.Persistence;

/// <summary>A human decision as the store keeps it: queued by <see cref="IHumanInbox.DecideAsync"/> in any process,
/// then applied or rejected by the engine that runs its workflow.</summary>
public sealed record HumanDecisionRecord
{
    /// <summary>Gets the decision's id, unique in the store.</summary>
    public required string DecisionId { get; init; }

    /// <summary>Gets the workflow of the task.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Gets the task.</summary>
    public required string TaskId { get; init; }

    /// <summary>Gets what was decided.</summary>
    public required HumanAction Action { get; init; }

    /// <summary>Gets who decided.</summary>
    public required string Actor { get; init; }

    /// <summary>Gets why.</summary>
    public required string Reason { get; init; }

    /// <summary>Gets where the decision stands.</summary>
    public required HumanDecisionStatus Status { get; init; }

    /// <summary>Gets what came of it, in words: how the task moved, or why the decision was rejected;
    /// <see langword="null"/> while pending.</summary>
    public string? Outcome { get; init; }

    /// <summary>Gets when the decision was taken.</summary>
    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>Gets when the engine applied or rejected it.</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>Gets the correlation id of the request that took the decision (see
    /// <see cref="Diagnostics.CorrelationScope"/>); the events of applying or rejecting it carry it, also when the
    /// engine of another process applies it. <see langword="null"/> when it was taken outside any scope.</summary>
    public string? CorrelationId { get; init; }
}

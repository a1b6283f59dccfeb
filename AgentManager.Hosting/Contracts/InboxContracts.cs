namespace AgentManager.Hosting.Contracts;

/// <summary>The body of an inbox decision: why. Required to complete a task; optional otherwise.</summary>
internal sealed class HumanDecisionRequest
{
    public string? Reason { get; set; }
}

/// <summary>A task blocked for a human (<c>blocked_hitl</c>), with what a person needs to decide.</summary>
internal sealed record BlockedTaskView(
    string WorkflowId,
    string? WorkflowName,
    string TaskId,
    string? Title,
    string? AgentId,
    int Attempts,
    string? LastError,
    string? LastOutput,
    DateTimeOffset BlockedAt,
    DateTimeOffset? DeadlineAt,
    IReadOnlyList<TransitionView> History,
    IReadOnlyList<DecisionView> PendingDecisions);

/// <summary>A human decision: <c>applied</c> when this process runs the workflow, else <c>pending</c> until the
/// engine that runs it takes it (then <c>applied</c> or <c>rejected</c>).</summary>
internal sealed record DecisionView(
    string DecisionId,
    string WorkflowId,
    string TaskId,
    string Action,
    string Actor,
    string Reason,
    string Status,
    string? Outcome,
    DateTimeOffset RequestedAt,
    DateTimeOffset? ResolvedAt,
    string? CorrelationId);

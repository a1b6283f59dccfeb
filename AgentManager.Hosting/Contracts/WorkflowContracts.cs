namespace AgentManager.Hosting.Contracts;

/// <summary><c>POST /workflows</c>: from a confirmed plan (<c>plan_id</c>) or from tasks, optionally started at once.</summary>
internal sealed class NewWorkflowRequest
{
    public string? WorkflowId { get; set; }

    public string? Name { get; set; }

    public string? PlanId { get; set; }

    public string? DefaultAgentId { get; set; }

    public Dictionary<string, string?>? Metadata { get; set; }

    public List<WorkflowTaskBody?>? Tasks { get; set; }

    public bool? Start { get; set; }
}

/// <summary>A task of <see cref="NewWorkflowRequest"/>.</summary>
internal sealed class WorkflowTaskBody
{
    public string? TaskId { get; set; }

    public string? Title { get; set; }

    public string? Prompt { get; set; }

    public int? Priority { get; set; }

    public List<string?>? Dependencies { get; set; }

    public string? AgentId { get; set; }

    public List<string?>? Resources { get; set; }

    public int? MaxAttempts { get; set; }

    public double? TimeoutSeconds { get; set; }

    public string? Workdir { get; set; }

    public string? Verification { get; set; }

    public Dictionary<string, string?>? Metadata { get; set; }
}

internal sealed record WorkflowTaskView(
    string TaskId,
    string? Title,
    string State,
    int Attempt,
    int Priority,
    string? AgentId,
    IReadOnlyList<string> Dependencies,
    IReadOnlyList<string> Resources,
    string? LastError,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);

internal sealed record WorkflowView(
    string WorkflowId,
    string? Name,
    string Status,
    string? Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyDictionary<string, int> TaskCounts,
    IReadOnlyList<WorkflowTaskView>? Tasks,
    long LastEventId,
    LeaseView? Lease,
    IReadOnlyList<WorkflowRequestView>? Requests = null);

/// <summary>The lease of the engine that runs a workflow: who holds it, until when unless renewed, and its fencing
/// token; absent when no engine holds it (finished, or never started).</summary>
internal sealed record LeaseView(string Owner, DateTimeOffset? ExpiresAt, long FencingToken);

/// <summary>A start or cancel that another host asked of the host running the workflow, stored and not yet carried
/// out.</summary>
internal sealed record WorkflowRequestView(string Kind, string? Reason, string RequestedBy, DateTimeOffset RequestedAt, string? CorrelationId);

internal sealed record TransitionView(string From, string To, string Trigger, string? Reason, string Actor, int Attempt, DateTimeOffset Timestamp);

/// <summary><c>GET /workflows/{id}/tasks/{taskId}</c>: the task, its working directory, the tail of its last
/// output and every transition.</summary>
internal sealed record TaskDetailView(
    string WorkflowId,
    string TaskId,
    string? Title,
    string State,
    int Attempt,
    int Priority,
    string? AgentId,
    IReadOnlyList<string> Dependencies,
    IReadOnlyList<string> Resources,
    string? Workdir,
    string? LastError,
    string? OutputTail,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<TransitionView> Transitions);

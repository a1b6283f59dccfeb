namespace AgentManager.Persistence;

/// <summary>A request to start or cancel a workflow, stored by an engine that does not run the workflow for the engine
/// that holds its lease, which carries it out (see <see cref="Workflows.IWorkflowEngine.StartAsync"/> and
/// <see cref="Workflows.IWorkflowEngine.CancelAsync"/>).</summary>
public sealed record WorkflowRequest
{
    /// <summary>Gets the workflow.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Gets what is asked.</summary>
    public required WorkflowRequestKind Kind { get; init; }

    /// <summary>Gets why: required for a cancel, recorded with every task the cancellation ends; not kept for a
    /// start.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets the engine that stored the request, by the name it holds leases under.</summary>
    public required string RequestedBy { get; init; }

    /// <summary>Gets when the request was stored.</summary>
    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>Gets the correlation id of the call that asked (an HTTP request's <c>X-Request-ID</c>), which the events
    /// of carrying it out carry.</summary>
    public string? CorrelationId { get; init; }
}

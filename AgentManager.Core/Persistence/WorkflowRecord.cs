using AgentManager.Execution;
using AgentManager.Workflows;

namespace AgentManager.Persistence;

/// <summary>The stored state of a workflow.</summary>
public sealed record WorkflowRecord
{
    /// <summary>Gets the workflow id.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Gets the workflow's name.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the status.</summary>
    public required WorkflowStatus Status { get; init; }

    /// <summary>Gets why it failed or was cancelled.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets when it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when it started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when it finished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Gets the directory under which its task working directories live.</summary>
    public string? WorkRoot { get; init; }

    /// <summary>Gets free-form metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets what the workflow's attempts consumed, as their agents reported it.</summary>
    public AgentUsage Usage { get; init; } = AgentUsage.Zero;

    /// <summary>Gets the engine that holds the workflow's lease; <see langword="null"/> when nobody does. Written
    /// when the workflow is first committed; afterwards only the lease operations of <see cref="IStateStore"/> and
    /// <see cref="StateChanges.ReleasedLeases"/> change the lease fields.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>Gets when the lease expires unless it is renewed.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>Gets the fencing token of the latest lease; 0 when it was never leased.</summary>
    public long FencingToken { get; init; }
}

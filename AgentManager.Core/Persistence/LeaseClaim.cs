namespace AgentManager.Persistence;

/// <summary>A request to acquire the lease of a workflow, for <see cref="IStateStore.AcquireLeaseAsync"/>.</summary>
public sealed record LeaseClaim
{
    /// <summary>Gets the workflow.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Gets who asks for the lease.</summary>
    public required string Owner { get; init; }

    /// <summary>Gets the claimant's current time: a lease that expired at or before it is free.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Gets when the new lease expires unless it is renewed.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets the token of a lease the claimant knows to be dead although it has not expired (its owner's
    /// process is gone); that lease is taken over if it still has this token.</summary>
    /// <value>The default, <see langword="null"/>, takes over expired leases only.</value>
    public long? TakeOverToken { get; init; }
}

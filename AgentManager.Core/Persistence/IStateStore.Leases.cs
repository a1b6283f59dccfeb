using AgentManager.Events;

namespace AgentManager.Persistence;

/// <summary>Workflow leases with fencing, and the outbox side of the event log.</summary>
/// <remarks>A commit that lists a workflow in <see cref="StateChanges.FencingTokens"/> is applied only if the
/// stored lease still has that token; otherwise it throws <see cref="LeaseLostException"/> and stores nothing.</remarks>
public partial interface IStateStore
{
    /// <summary>Acquires a workflow's lease as a compare-and-set: it succeeds when the lease is free (never held,
    /// released, or expired at <see cref="LeaseClaim.Now"/>), already the claimant's, or has
    /// <see cref="LeaseClaim.TakeOverToken"/>. The token grows by one.</summary>
    /// <param name="claim">The claim.</param>
    /// <param name="cancellationToken">Cancels the claim before it is applied.</param>
    /// <returns>The new lease.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="claim"/> is null.</exception>
    /// <exception cref="LeaseHeldException">Another owner holds the lease; nothing changed.</exception>
    /// <exception cref="InvalidOperationException">The workflow was never committed.</exception>
    Task<WorkflowLease> AcquireLeaseAsync(LeaseClaim claim, CancellationToken cancellationToken);

    /// <summary>Extends leases in one call: each whose stored owner and token are still the given ones gets the new
    /// expiry, and so do the leases of its running tasks.</summary>
    /// <param name="leases">The leases to renew.</param>
    /// <param name="expiresAt">The new expiry.</param>
    /// <param name="cancellationToken">Cancels the renewal before it is applied.</param>
    /// <returns>The ids of the workflows whose lease was not renewed: taken over, released, purged, or never
    /// committed.</returns>
    Task<IReadOnlyList<string>> RenewLeasesAsync(IReadOnlyCollection<WorkflowLease> leases, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Reads events that were committed but not yet marked published (see
    /// <see cref="StateChanges.PublishedWorkflows"/>), in commit order, as new, unpublished instances.</summary>
    /// <param name="workflowId">Only this workflow's, or every workflow's when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events.</returns>
    Task<IReadOnlyList<AgentManagerEvent>> ReadUnpublishedEventsAsync(string? workflowId, CancellationToken cancellationToken);
}

using AgentManager.Events;
using AgentManager.Workflows;

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

    /// <summary>Lists the running workflows that no engine holds at <paramref name="now"/>, the candidates for a
    /// takeover: those with status <see cref="WorkflowStatus.Running"/> whose lease was released (no
    /// <see cref="WorkflowRecord.LeaseOwner"/> or no <see cref="WorkflowRecord.LeaseExpiresAt"/>) or expired
    /// (<see cref="WorkflowRecord.LeaseExpiresAt"/> at or before <paramref name="now"/>), that is whose lease
    /// <see cref="AcquireLeaseAsync"/> would give any claimant at <paramref name="now"/>. Workflows of any other status,
    /// <see cref="WorkflowStatus.Created"/> included, are never listed.</summary>
    /// <remarks>The SQLite and PostgreSQL stores answer through an index of their running workflows, so the cost does
    /// not grow with the finished workflows they keep; the in-memory store filters its records without copying the
    /// others. The default implementation, for other stores, filters <see cref="ListWorkflowsAsync"/>.</remarks>
    /// <param name="now">The instant at which a lease counts as expired.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records, in the order of <see cref="ListWorkflowsAsync"/> (oldest first).</returns>
    async Task<IReadOnlyList<WorkflowRecord>> ListUnheldRunningWorkflowsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        [.. (await ListWorkflowsAsync(cancellationToken).ConfigureAwait(false)).Where(w => w.Status == WorkflowStatus.Running && LeaseRules.IsUnheld(w.LeaseOwner, w.LeaseExpiresAt, now))];

    /// <summary>Reads events that were committed but not yet marked published (see
    /// <see cref="StateChanges.PublishedWorkflows"/>), in commit order, as new, unpublished instances.</summary>
    /// <param name="workflowId">Only this workflow's, or every workflow's when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events.</returns>
    Task<IReadOnlyList<AgentManagerEvent>> ReadUnpublishedEventsAsync(string? workflowId, CancellationToken cancellationToken);
}

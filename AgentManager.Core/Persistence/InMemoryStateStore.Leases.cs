using AgentManager.Events;
using AgentManager.Workflows;

namespace AgentManager.Persistence;

/// <summary>Leases with fencing and the outbox of the in-process store.</summary>
internal sealed partial class InMemoryStateStore
{
    public Task<WorkflowLease> AcquireLeaseAsync(LeaseClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            var state = _workflows.TryGetValue(claim.WorkflowId, out var found)
                ? found
                : throw new InvalidOperationException($"Workflow '{claim.WorkflowId}' was never committed; it has no lease to acquire.");
            var record = state.Record;
            if (!LeaseRules.IsFree(record.LeaseOwner, record.LeaseExpiresAt, record.FencingToken, claim))
            {
                throw new LeaseHeldException(new WorkflowLease(record.WorkflowId, record.LeaseOwner!, record.FencingToken, record.LeaseExpiresAt!.Value));
            }

            var lease = new WorkflowLease(claim.WorkflowId, claim.Owner, record.FencingToken + 1, claim.ExpiresAt);
            state.Record = record with { LeaseOwner = lease.Owner, LeaseExpiresAt = lease.ExpiresAt, FencingToken = lease.Token };
            return Task.FromResult(lease);
        }
    }

    public Task<IReadOnlyList<string>> RenewLeasesAsync(IReadOnlyCollection<WorkflowLease> leases, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leases);
        cancellationToken.ThrowIfCancellationRequested();
        var lost = new List<string>();
        lock (_sync)
        {
            foreach (var lease in leases)
            {
                if (!_workflows.TryGetValue(lease.WorkflowId, out var state)
                    || state.Record.FencingToken != lease.Token
                    || !string.Equals(state.Record.LeaseOwner, lease.Owner, StringComparison.Ordinal))
                {
                    lost.Add(lease.WorkflowId);
                    continue;
                }

                state.Record = state.Record with { LeaseExpiresAt = expiresAt };
                for (var i = 0; i < state.Tasks.Count; i++)
                {
                    ref var task = ref state.Tasks[i];
                    if (task.FencingToken == lease.Token && string.Equals(task.LeaseOwner, lease.Owner, StringComparison.Ordinal))
                    {
                        state.Tasks.SetLease(i, task.LeaseOwner, expiresAt);
                    }
                }
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(lost);
    }

    public Task<IReadOnlyList<WorkflowRecord>> ListUnheldRunningWorkflowsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            IReadOnlyList<WorkflowRecord> result = _order
                .Select(id => _workflows[id].Record)
                .Where(r => r.Status == WorkflowStatus.Running && LeaseRules.IsUnheld(r.LeaseOwner, r.LeaseExpiresAt, now))
                .ToArray();
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyList<AgentManagerEvent>> ReadUnpublishedEventsAsync(string? workflowId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            var events = new List<AgentManagerEvent>();
            WorkflowState? only = null;
            if (workflowId is not null && !_workflows.TryGetValue(workflowId, out only))
            {
                return Task.FromResult<IReadOnlyList<AgentManagerEvent>>(events);
            }

            // The log is in sequence order: no unpublished event comes before the lowest published mark.
            var from = only?.PublishedThrough ?? (_workflows.Count == 0 ? _lastSequence : _workflows.Values.Min(s => s.PublishedThrough));
            for (var i = FirstAfter(from); i < _events.Count; i++)
            {
                ref var logged = ref _events.ItemRef(i);
                var loggedWorkflowId = logged.WorkflowId;
                var state = only;
                if (state is null ? _workflows.TryGetValue(loggedWorkflowId, out state) : string.Equals(loggedWorkflowId, workflowId, StringComparison.Ordinal))
                {
                    for (var k = (int)Math.Max(0, state!.PublishedThrough + 1 - logged.Sequence); k < logged.Count; k++)
                    {
                        events.Add(logged.UnpublishedAt(k));
                    }
                }
            }

            return Task.FromResult<IReadOnlyList<AgentManagerEvent>>(events);
        }
    }

    /// <summary>Refuses a batch written without the lease of a workflow it writes: a stale token, or the creation
    /// of a workflow that someone else created first (whose lease the writer never held).</summary>
    private void ThrowIfFencedOut(StateChanges changes)
    {
        foreach (var workflowId in changes.CreatedWorkflows)
        {
            if (_workflows.ContainsKey(workflowId))
            {
                throw new WorkflowExistsException(workflowId);
            }
        }

        foreach (var (workflowId, token) in changes.FencingTokens)
        {
            if (_workflows.TryGetValue(workflowId, out var state) && state.Record.FencingToken != token)
            {
                throw new LeaseLostException(workflowId, token, state.Record.FencingToken, state.Record.LeaseOwner);
            }
        }

        StateStoreChecks.ThrowIfReleasedWithoutToken(changes);
    }

    private void MarkPublished(List<string> workflowIds)
    {
        foreach (var workflowId in workflowIds)
        {
            if (_workflows.TryGetValue(workflowId, out var state))
            {
                state.PublishedThrough = _lastSequence;
                state.History.CompactPublished();
            }
        }
    }

    private void ReleaseLeases(List<string> workflowIds)
    {
        foreach (var workflowId in workflowIds)
        {
            if (!_workflows.TryGetValue(workflowId, out var state))
            {
                continue;
            }

            state.Record = state.Record with { LeaseOwner = null, LeaseExpiresAt = null };
            for (var i = 0; i < state.Tasks.Count; i++)
            {
                state.Tasks.SetLease(i, null, null);
            }
        }
    }

    /// <summary>The index of the first log entry with an event whose sequence is above <paramref name="sequence"/>.</summary>
    private int FirstAfter(long sequence)
    {
        var (low, high) = (0, _events.Count);
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (_events.ItemRef(middle).LastSequence <= sequence)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>A stored workflow keeps its lease fields when its record is replaced.</summary>
    private static WorkflowRecord KeepLease(WorkflowRecord replacement, WorkflowRecord stored) =>
        replacement.LeaseOwner == stored.LeaseOwner && replacement.LeaseExpiresAt == stored.LeaseExpiresAt && replacement.FencingToken == stored.FencingToken
            ? replacement
            : replacement with { LeaseOwner = stored.LeaseOwner, LeaseExpiresAt = stored.LeaseExpiresAt, FencingToken = stored.FencingToken };
}

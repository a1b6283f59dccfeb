using System.Collections.Concurrent;
using AgentManager.Diagnostics;
using AgentManager.Persistence;

namespace AgentManager.Workflows;

/// <summary>Starting or cancelling a workflow that another engine sharing the store runs: this engine stores a request,
/// and the engine holding the workflow's lease reads the requests of its workflows every
/// <see cref="AgentManagerOptions.InboxPollInterval"/> and carries them out; an engine that resumes a workflow with a
/// cancel request cancels it at once.</summary>
internal sealed partial class WorkflowEngine
{
    private readonly PollGate _requestGate = new();

    /// <summary>The start requests tried and refused (by a hook), by workflow: one is not tried again, a later one is.</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _refusedStarts = new(StringComparer.Ordinal);

    /// <summary>Stores a request about a workflow this engine does not run, when another engine holds its lease.</summary>
    /// <returns><see langword="false"/> when there is no such engine, the workflow is past what is asked, or the store
    /// keeps no requests: the caller then refuses with the reason.</returns>
    private async Task<bool> TryStoreRequestAsync(string workflowId, WorkflowRequestKind kind, string? reason, CancellationToken cancellationToken)
    {
        var record = await _store.GetWorkflowAsync(workflowId, cancellationToken).ConfigureAwait(false) ?? throw new WorkflowNotFoundException(workflowId);
        if (kind == WorkflowRequestKind.Start && record.Status == WorkflowStatus.Running)
        {
            // Said as the engine that runs it would say it, rather than sending the caller there.
            throw new WorkflowStateException(workflowId, record.Status, $"Workflow '{workflowId}' cannot start: it is running, and only a created workflow starts.");
        }

        var applies = kind == WorkflowRequestKind.Start ? record.Status == WorkflowStatus.Created : !record.Status.IsFinished();
        if (!applies || HolderOf(record) is null || string.Equals(record.LeaseOwner, _owner, StringComparison.Ordinal))
        {
            return false;
        }

        var request = new WorkflowRequest
        {
            WorkflowId = workflowId,
            Kind = kind,
            Reason = reason,
            RequestedBy = _owner,
            RequestedAt = _time.GetUtcNow(),
            CorrelationId = CorrelationScope.Current,
        };
        try
        {
            if (await _store.StoreWorkflowRequestAsync(request, cancellationToken).ConfigureAwait(false) is null)
            {
                return false; // moved on meanwhile
            }
        }
        catch (NotSupportedException)
        {
            return false;
        }

        EngineLog.WorkflowRequestStored(_logger, workflowId, kind, record.LeaseOwner!);
        return true;
    }

    /// <summary>Reads the requests about the workflows this engine runs, off the loop, one read at a time.</summary>
    private void PollWorkflowRequests()
    {
        if (_runs.IsEmpty || !_requestGate.TryEnter())
        {
            return;
        }

        _ = PostFromStoreAsync(
            _requestGate,
            (ids, ct) => _store.GetWorkflowRequestsAsync(ids, ct),
            StartRequestedAsync,
            EngineLog.WorkflowRequestPollFailed);
    }

    /// <summary>Starts the workflows of the start requests (on this side of the loop, where their hooks run, as for any
    /// caller of <see cref="StartAsync(string, CancellationToken)"/>), except those also asked to be cancelled, and
    /// hands the cancel requests to the loop.</summary>
    private async Task<IEngineCommand?> StartRequestedAsync(IReadOnlyList<WorkflowRequest> requests)
    {
        var cancels = requests.Where(r => r.Kind == WorkflowRequestKind.Cancel).ToArray();
        foreach (var request in requests)
        {
            if (request.Kind == WorkflowRequestKind.Start && !cancels.Any(c => c.WorkflowId == request.WorkflowId))
            {
                await StartAsRequestedAsync(request).ConfigureAwait(false);
            }
        }

        return cancels.Length == 0 ? null : new StoredCancelRequestsCommand(cancels);
    }

    private async Task StartAsRequestedAsync(WorkflowRequest request)
    {
        var id = request.WorkflowId;
        if (!_runs.TryGetValue(id, out var run) || run.Status != WorkflowStatus.Created
            || (_refusedStarts.TryGetValue(id, out var refused) && refused == request.RequestedAt))
        {
            return;
        }

        EngineLog.StartRequestApplied(_logger, id, request.RequestedBy, request.RequestedAt);
        try
        {
            using (CorrelationScope.Begin(request.CorrelationId))
            {
                await StartAsync(id, _stopping.Token).ConfigureAwait(false);
            }

            _refusedStarts.TryRemove(id, out _);
        }
        catch (Exception ex) when (ex is WorkflowStartBlockedException or WorkflowStateException or WorkflowNotFoundException)
        {
            _refusedStarts[id] = request.RequestedAt;
            EngineLog.StartRequestRefused(_logger, id, request.RequestedBy, ex.Message);
        }
    }

    /// <summary>Cancels the runs of the requests that are still this engine's and not yet being cancelled; the others
    /// (finished, taken over, or already cancelling) are left as they are.</summary>
    private void OnStoredCancelRequests(StoredCancelRequestsCommand command)
    {
        _requestGate.Exit();
        foreach (var request in command.Requests)
        {
            if (!_runs.TryGetValue(request.WorkflowId, out var run) || run.Status.IsFinished() || run.CancelRequested || run.LeaseLost)
            {
                continue;
            }

            CancelIfRequested(run, request);
        }
    }

    /// <summary>Cancels the run as another engine asked, if it did.</summary>
    /// <returns>Whether there was a request.</returns>
    private bool CancelIfRequested(WorkflowRun run, WorkflowRequest? request)
    {
        if (request is null)
        {
            return false;
        }

        var reason = request.Reason ?? "Cancelled on request.";
        var firstEvent = _changes.Events.Count;
        EngineLog.CancelRequestApplied(_logger, run.Id, request.RequestedBy, request.RequestedAt, reason);
        CancelRun(run, reason);
        CorrelateStored(request.CorrelationId, run, firstEvent);
        return true;
    }
}

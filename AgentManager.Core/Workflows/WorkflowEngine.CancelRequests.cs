using AgentManager.Diagnostics;
using AgentManager.Persistence;

namespace AgentManager.Workflows;

/// <summary>Cancelling a workflow that another engine sharing the store runs: this engine stores a request, and the
/// engine holding the workflow's lease reads the requests of its workflows every
/// <see cref="AgentManagerOptions.InboxPollInterval"/> and carries them out; an engine that resumes a workflow with a
/// request cancels it at once.</summary>
internal sealed partial class WorkflowEngine
{
    private readonly PollGate _cancelRequestGate = new();

    /// <summary>Stores a request to cancel a workflow this engine does not run, when another engine holds its lease.</summary>
    /// <returns><see langword="false"/> when there is no such engine, the workflow finished, or the store keeps no
    /// requests: the caller then refuses with the reason.</returns>
    private async Task<bool> TryRequestCancelAsync(string workflowId, string reason, CancellationToken cancellationToken)
    {
        var record = await _store.GetWorkflowAsync(workflowId, cancellationToken).ConfigureAwait(false) ?? throw new WorkflowNotFoundException(workflowId);
        if (record.Status.IsFinished() || HolderOf(record) is null || string.Equals(record.LeaseOwner, _owner, StringComparison.Ordinal))
        {
            return false;
        }

        var request = new WorkflowCancelRequest
        {
            WorkflowId = workflowId,
            Reason = reason,
            RequestedBy = _owner,
            RequestedAt = _time.GetUtcNow(),
            CorrelationId = CorrelationScope.Current,
        };
        try
        {
            if (await _store.RequestCancelAsync(request, cancellationToken).ConfigureAwait(false) is null)
            {
                return false; // finished meanwhile
            }
        }
        catch (NotSupportedException)
        {
            return false;
        }

        EngineLog.CancelRequested(_logger, workflowId, record.LeaseOwner!, reason);
        return true;
    }

    /// <summary>Reads the cancel requests of the workflows this engine runs, off the loop, one read at a time.</summary>
    private void PollCancelRequests()
    {
        if (_runs.IsEmpty || !_cancelRequestGate.TryEnter())
        {
            return;
        }

        _ = PollCancelRequestsAsync();
    }

    private Task PollCancelRequestsAsync() => PostFromStoreAsync(
        _cancelRequestGate,
        (ids, ct) => _store.GetCancelRequestsAsync(ids, ct),
        static requests => new StoredCancelRequestsCommand(requests),
        EngineLog.CancelRequestPollFailed);

    /// <summary>Cancels the runs of the requests that are still this engine's and not yet being cancelled; the others
    /// (finished, taken over, or already cancelling) are left as they are.</summary>
    private void OnStoredCancelRequests(StoredCancelRequestsCommand command)
    {
        _cancelRequestGate.Exit();
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
    private bool CancelIfRequested(WorkflowRun run, WorkflowCancelRequest? request)
    {
        if (request is null)
        {
            return false;
        }

        var firstEvent = _changes.Events.Count;
        EngineLog.CancelRequestApplied(_logger, run.Id, request.RequestedBy, request.RequestedAt, request.Reason);
        CancelRun(run, request.Reason);
        CorrelateStored(request.CorrelationId, run, firstEvent);
        return true;
    }
}

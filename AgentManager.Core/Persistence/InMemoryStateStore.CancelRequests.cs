using AgentManager.Workflows;

namespace AgentManager.Persistence;

internal sealed partial class InMemoryStateStore
{
    public Task<WorkflowCancelRequest?> RequestCancelAsync(WorkflowCancelRequest request, CancellationToken cancellationToken)
    {
        StateStoreChecks.ThrowIfIncomplete(request);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            if (!_workflows.TryGetValue(request.WorkflowId, out var state) || state.Record.Status.IsFinished())
            {
                return Task.FromResult<WorkflowCancelRequest?>(null);
            }

            state.CancelRequest ??= request;
            return Task.FromResult<WorkflowCancelRequest?>(state.CancelRequest);
        }
    }

    public Task<IReadOnlyList<WorkflowCancelRequest>> GetCancelRequestsAsync(IReadOnlyCollection<string> workflowIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowIds);
        lock (_sync)
        {
            IReadOnlyList<WorkflowCancelRequest> requests =
            [
                .. workflowIds
                    .Distinct(StringComparer.Ordinal)
                    .Select(id => _workflows.GetValueOrDefault(id))
                    .Where(state => state?.CancelRequest is not null && !state.Record.Status.IsFinished())
                    .Select(state => state!.CancelRequest!),
            ];
            return Task.FromResult(requests);
        }
    }
}

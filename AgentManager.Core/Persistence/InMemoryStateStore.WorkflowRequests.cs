using AgentManager.Workflows;

namespace AgentManager.Persistence;

internal sealed partial class InMemoryStateStore
{
    public Task<WorkflowRequest?> StoreWorkflowRequestAsync(WorkflowRequest request, CancellationToken cancellationToken)
    {
        StateStoreChecks.ThrowIfIncomplete(request);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            if (!_workflows.TryGetValue(request.WorkflowId, out var state) || !Takes(state, request.Kind))
            {
                return Task.FromResult<WorkflowRequest?>(null);
            }

            if (request.Kind == WorkflowRequestKind.Start)
            {
                state.StartRequest = request with { Reason = null };
                return Task.FromResult<WorkflowRequest?>(state.StartRequest);
            }

            state.CancelRequest ??= request;
            return Task.FromResult<WorkflowRequest?>(state.CancelRequest);
        }
    }

    public Task<IReadOnlyList<WorkflowRequest>> GetWorkflowRequestsAsync(IReadOnlyCollection<string> workflowIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowIds);
        lock (_sync)
        {
            var requests = new List<WorkflowRequest>();
            foreach (var id in workflowIds.Distinct(StringComparer.Ordinal))
            {
                if (!_workflows.TryGetValue(id, out var state))
                {
                    continue;
                }

                if (state.StartRequest is { } start && Takes(state, WorkflowRequestKind.Start))
                {
                    requests.Add(start);
                }

                if (state.CancelRequest is { } cancel && Takes(state, WorkflowRequestKind.Cancel))
                {
                    requests.Add(cancel);
                }
            }

            return Task.FromResult<IReadOnlyList<WorkflowRequest>>(requests);
        }
    }

    /// <summary>Whether the workflow is still where a request of that kind applies.</summary>
    private static bool Takes(WorkflowState state, WorkflowRequestKind kind) =>
        kind == WorkflowRequestKind.Start ? state.Record.Status == WorkflowStatus.Created : !state.Record.Status.IsFinished();
}

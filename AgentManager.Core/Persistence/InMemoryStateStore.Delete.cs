using AgentManager.Workflows;

namespace AgentManager.Persistence;

internal sealed partial class InMemoryStateStore
{
    public Task<bool> DeleteWorkflowAsync(string workflowId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            if (!_workflows.TryGetValue(workflowId, out var state))
            {
                return Task.FromResult(false);
            }

            var status = state.Record.Status;
            if (!status.IsFinished())
            {
                throw StateStoreDeletes.Unfinished(workflowId, status);
            }

            if (_schedules.Values.FirstOrDefault(s => s.RunningWorkflowId == workflowId) is { } schedule)
            {
                throw StateStoreDeletes.ScheduledRun(workflowId, status, schedule.ScheduleId);
            }

            RemoveWorkflows([workflowId]);
            return Task.FromResult(true);
        }
    }
}

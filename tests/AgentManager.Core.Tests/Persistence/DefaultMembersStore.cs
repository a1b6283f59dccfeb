using AgentManager.Events;
using AgentManager.Lifecycle;
using AgentManager.Persistence;

namespace AgentManager.Tests.Persistence;

/// <summary>Forwards each member of <see cref="IStateStore"/> without a default to another store, and nothing else: a
/// store written before the defaults were added. The benchmarks' <c>storereads</c> links this file too.</summary>
internal sealed class DefaultMembersStore(IStateStore inner) : IStateStore
{
    public Task CommitAsync(StateChanges changes, CancellationToken cancellationToken) => inner.CommitAsync(changes, cancellationToken);

    public Task<WorkflowRecord?> GetWorkflowAsync(string workflowId, CancellationToken cancellationToken) => inner.GetWorkflowAsync(workflowId, cancellationToken);

    public Task<IReadOnlyList<WorkflowRecord>> ListWorkflowsAsync(CancellationToken cancellationToken) => inner.ListWorkflowsAsync(cancellationToken);

    public Task<IReadOnlyList<TaskRecord>> GetTasksAsync(string workflowId, CancellationToken cancellationToken) => inner.GetTasksAsync(workflowId, cancellationToken);

    public Task<TaskRecord?> GetTaskAsync(string workflowId, string taskId, CancellationToken cancellationToken) => inner.GetTaskAsync(workflowId, taskId, cancellationToken);

    public Task<IReadOnlyList<TaskTransition>> GetTransitionsAsync(string workflowId, string? taskId, CancellationToken cancellationToken) =>
        inner.GetTransitionsAsync(workflowId, taskId, cancellationToken);

    public Task EnqueueDecisionAsync(HumanDecisionRecord decision, CancellationToken cancellationToken) => inner.EnqueueDecisionAsync(decision, cancellationToken);

    public Task<IReadOnlyList<HumanDecisionRecord>> GetPendingDecisionsAsync(IReadOnlyCollection<string>? workflowIds, CancellationToken cancellationToken) =>
        inner.GetPendingDecisionsAsync(workflowIds, cancellationToken);

    public Task<HumanDecisionRecord?> GetDecisionAsync(string decisionId, CancellationToken cancellationToken) => inner.GetDecisionAsync(decisionId, cancellationToken);

    public Task<IReadOnlyList<EventLogEntry>> ReadEventsAsync(EventLogQuery query, CancellationToken cancellationToken) => inner.ReadEventsAsync(query, cancellationToken);

    public Task<IReadOnlyList<string>> PurgeAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken) => inner.PurgeAsync(finishedBefore, cancellationToken);

    public Task<bool> DeleteWorkflowAsync(string workflowId, CancellationToken cancellationToken) => inner.DeleteWorkflowAsync(workflowId, cancellationToken);

    public Task<WorkflowLease> AcquireLeaseAsync(LeaseClaim claim, CancellationToken cancellationToken) => inner.AcquireLeaseAsync(claim, cancellationToken);

    public Task<IReadOnlyList<string>> RenewLeasesAsync(IReadOnlyCollection<WorkflowLease> leases, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        inner.RenewLeasesAsync(leases, expiresAt, cancellationToken);

    public Task<IReadOnlyList<AgentManagerEvent>> ReadUnpublishedEventsAsync(string? workflowId, CancellationToken cancellationToken) =>
        inner.ReadUnpublishedEventsAsync(workflowId, cancellationToken);

    public Task<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(CancellationToken cancellationToken) => inner.ListSchedulesAsync(cancellationToken);

    public Task<ScheduleRecord?> GetScheduleAsync(string scheduleId, CancellationToken cancellationToken) => inner.GetScheduleAsync(scheduleId, cancellationToken);

    public Task<ScheduleRecord?> TrySaveScheduleAsync(ScheduleRecord record, CancellationToken cancellationToken) => inner.TrySaveScheduleAsync(record, cancellationToken);

    public Task<bool> DeleteScheduleAsync(string scheduleId, CancellationToken cancellationToken) => inner.DeleteScheduleAsync(scheduleId, cancellationToken);
}

using AgentManager.Lifecycle;

namespace AgentManager.Persistence;

/// <summary>Where workflows, tasks and their transition history are kept. The engine commits every change
/// here before it publishes the change's events.</summary>
/// <remarks>Implementations must be safe to call from several threads; <see cref="CommitAsync"/> is
/// called by one engine loop at a time and must apply a batch atomically.</remarks>
public partial interface IStateStore
{
    /// <summary>Applies a batch of changes atomically: whole task records (<see cref="StateChanges.Tasks"/>) before
    /// task changes (<see cref="StateChanges.TaskChanges"/>), each list in order.</summary>
    /// <param name="changes">The changes.</param>
    /// <param name="cancellationToken">Cancels the commit before it is applied.</param>
    /// <returns>A task that completes when the changes are stored.</returns>
    /// <exception cref="InvalidOperationException">A task, transition, event or decision names a workflow that was
    /// never committed, or a task change names a task that neither the store nor the batch holds; nothing was
    /// stored.</exception>
    /// <exception cref="ArgumentException">A task change names no task; nothing was stored.</exception>
    /// <exception cref="LeaseLostException">A workflow's stored lease has another fencing token than the batch's
    /// (see <see cref="StateChanges.FencingTokens"/>); nothing was stored.</exception>
    /// <exception cref="WorkflowExistsException">A workflow of <see cref="StateChanges.CreatedWorkflows"/> is already
    /// stored; nothing was stored.</exception>
    Task CommitAsync(StateChanges changes, CancellationToken cancellationToken);

    /// <summary>Reads a workflow.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record, or <see langword="null"/> when there is none.</returns>
    Task<WorkflowRecord?> GetWorkflowAsync(string workflowId, CancellationToken cancellationToken);

    /// <summary>Lists workflows, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    Task<IReadOnlyList<WorkflowRecord>> ListWorkflowsAsync(CancellationToken cancellationToken);

    /// <summary>Reads the tasks of a workflow in definition order.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records; empty for an unknown workflow.</returns>
    Task<IReadOnlyList<TaskRecord>> GetTasksAsync(string workflowId, CancellationToken cancellationToken);

    /// <summary>Reads one task.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="taskId">The task id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record, or <see langword="null"/> when there is none.</returns>
    Task<TaskRecord?> GetTaskAsync(string workflowId, string taskId, CancellationToken cancellationToken);

    /// <summary>Reads transitions of a workflow, oldest first.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="taskId">Only this task's, or all when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The transitions.</returns>
    Task<IReadOnlyList<TaskTransition>> GetTransitionsAsync(string workflowId, string? taskId, CancellationToken cancellationToken);

    /// <summary>Queues a human decision for the engine that runs its workflow, which resolves it through
    /// <see cref="StateChanges.Decisions"/> in the commit that applies it.</summary>
    /// <param name="decision">A decision with <see cref="HumanDecisionStatus.Pending"/> status and an id new to the store.</param>
    /// <param name="cancellationToken">Cancels the write before it is applied.</param>
    /// <returns>A task that completes when the decision is stored.</returns>
    /// <exception cref="ArgumentException">The decision is not pending.</exception>
    /// <exception cref="InvalidOperationException">Its workflow was never committed, or its id is already used;
    /// nothing was stored.</exception>
    Task EnqueueDecisionAsync(HumanDecisionRecord decision, CancellationToken cancellationToken);

    /// <summary>Reads the pending human decisions, oldest first.</summary>
    /// <param name="workflowIds">Only these workflows' decisions, or all when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The decisions.</returns>
    Task<IReadOnlyList<HumanDecisionRecord>> GetPendingDecisionsAsync(IReadOnlyCollection<string>? workflowIds, CancellationToken cancellationToken);

    /// <summary>Reads one human decision.</summary>
    /// <param name="decisionId">The decision id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record, or <see langword="null"/> when there is none.</returns>
    Task<HumanDecisionRecord?> GetDecisionAsync(string decisionId, CancellationToken cancellationToken);
    /// <summary>Reads the event log: the events committed with their changes (by <see cref="CommitAsync"/>), in
    /// commit order, each with its log <see cref="EventLogEntry.Sequence"/>. Events of a batch that failed are
    /// not logged; events of purged workflows are removed with them.</summary>
    /// <param name="query">The filter, the window of sequence numbers and the page size.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>At most <see cref="EventLogQuery.Limit"/> matching events, oldest first unless
    /// <see cref="EventLogQuery.NewestFirst"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The query's window or limit is out of range.</exception>
    Task<IReadOnlyList<EventLogEntry>> ReadEventsAsync(EventLogQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes finished workflows (completed, failed or cancelled) that finished before a time,
    /// with their tasks, transitions, events and human decisions. A workflow that a schedule still counts as
    /// running (<see cref="ScheduleRecord.RunningWorkflowId"/>) is kept.</summary>
    /// <param name="finishedBefore">Workflows that finished earlier than this are deleted.</param>
    /// <param name="cancellationToken">Cancels the purge before it is applied.</param>
    /// <returns>The ids of the deleted workflows.</returns>
    Task<IReadOnlyList<string>> PurgeAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken);
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AgentManager.Events;
using AgentManager.Lifecycle;
using AgentManager.Workflows;

namespace AgentManager.Persistence;

/// <summary>The in-process store: fast, complete, and gone when the process ends.</summary>
internal sealed partial class InMemoryStateStore : IStateStore
{
    private readonly object _sync = new();
    private readonly Dictionary<string, WorkflowState> _workflows = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Dictionary<string, HumanDecisionRecord> _decisions = new(StringComparer.Ordinal);
    private readonly List<string> _decisionOrder = [];
    private readonly SegmentedList<LoggedEvent> _events = new();
    private readonly List<int> _changedRows = [];
    private long _lastSequence;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every engine loop turn
    public Task CommitAsync(StateChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            ThrowIfOrphaned(changes);
            ThrowIfFencedOut(changes);
            MarkPublished(changes.PublishedWorkflows);
            foreach (var workflow in changes.Workflows)
            {
                if (_workflows.TryGetValue(workflow.WorkflowId, out var state))
                {
                    state.Record = KeepLease(workflow, state.Record);
                }
                else
                {
                    _workflows.Add(workflow.WorkflowId, new WorkflowState(workflow));
                    _order.Add(workflow.WorkflowId);
                }
            }

            WorkflowState? owner = null;
            for (var i = 0; i < changes.Tasks.Count; i++)
            {
                var task = changes.Tasks.SourceAt(i); // the engine's task itself: no record made
                if (owner is null || !ReferenceEquals(owner.Record.WorkflowId, task.WorkflowId))
                {
                    owner = Find(task.WorkflowId);
                }

                owner.Tasks.Put(changes.Tasks, i);
            }

            ApplyTaskChanges(changes.TaskChanges);

            foreach (var decision in changes.Decisions)
            {
                if (_decisions.TryAdd(decision.DecisionId, decision))
                {
                    _decisionOrder.Add(decision.DecisionId);
                }
                else
                {
                    _decisions[decision.DecisionId] = decision;
                }
            }

            AppendHistoryAndLog(changes.Transitions, changes.Events);

            ReleaseLeases(changes.ReleasedLeases);
        }

        return Task.CompletedTask;
    }

    public Task EnqueueDecisionAsync(HumanDecisionRecord decision, CancellationToken cancellationToken)
    {
        StateStoreChecks.ThrowIfNotPending(decision);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            if (!_workflows.ContainsKey(decision.WorkflowId))
            {
                throw new InvalidOperationException($"Workflow '{decision.WorkflowId}' must be committed before a decision about it; nothing was stored.");
            }

            if (!_decisions.TryAdd(decision.DecisionId, decision))
            {
                throw new InvalidOperationException($"Decision id '{decision.DecisionId}' is already stored; nothing was stored.");
            }

            _decisionOrder.Add(decision.DecisionId);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<HumanDecisionRecord>> GetPendingDecisionsAsync(IReadOnlyCollection<string>? workflowIds, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            IReadOnlyList<HumanDecisionRecord> result = _decisionOrder
                .Select(id => _decisions[id])
                .Where(d => d.Status == HumanDecisionStatus.Pending && (workflowIds is null || workflowIds.Contains(d.WorkflowId, StringComparer.Ordinal)))
                .ToArray();
            return Task.FromResult(result);
        }
    }

    public Task<HumanDecisionRecord?> GetDecisionAsync(string decisionId, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult(_decisions.GetValueOrDefault(decisionId));
        }
    }

    public Task<WorkflowRecord?> GetWorkflowAsync(string workflowId, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult(_workflows.TryGetValue(workflowId, out var state) ? state.Record : null);
        }
    }

    public Task<IReadOnlyList<WorkflowRecord>> ListWorkflowsAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            IReadOnlyList<WorkflowRecord> result = _order.Select(id => _workflows[id].Record).ToArray();
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyList<TaskRecord>> GetTasksAsync(string workflowId, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            IReadOnlyList<TaskRecord> result = _workflows.TryGetValue(workflowId, out var state) ? state.ToRecords() : [];
            return Task.FromResult(result);
        }
    }

    public Task<TaskRecord?> GetTaskAsync(string workflowId, string taskId, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            TaskRecord? task = null;
            if (_workflows.TryGetValue(workflowId, out var state) && state.Tasks.IndexOf(taskId) is >= 0 and var index)
            {
                task = state.Tasks[index].ToRecord(workflowId);
            }

            return Task.FromResult(task);
        }
    }

    public Task<IReadOnlyList<TaskTransition>> GetTransitionsAsync(string workflowId, string? taskId, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            IReadOnlyList<TaskTransition> result = _workflows.TryGetValue(workflowId, out var state) ? state.History.ToArray(taskId) : [];
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyList<EventLogEntry>> ReadEventsAsync(EventLogQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        lock (_sync)
        {
            var page = new List<EventLogEntry>(Math.Min(query.Limit, 64));
            if (query.NewestFirst)
            {
                for (var i = _events.Count - 1; i >= 0 && page.Count < query.Limit; i--)
                {
                    ref var logged = ref _events.ItemRef(i);
                    var workflowId = logged.WorkflowId;
                    for (var k = logged.Count - 1; k >= 0 && page.Count < query.Limit; k--)
                    {
                        if (query.Matches(logged.Sequence + k, workflowId, logged.TypeAt(k)))
                        {
                            page.Add(logged.EntryAt(k));
                        }
                    }
                }
            }
            else
            {
                for (var i = FirstAfter(query.After); i < _events.Count && page.Count < query.Limit; i++)
                {
                    ref var logged = ref _events.ItemRef(i);
                    var workflowId = logged.WorkflowId;
                    for (var k = 0; k < logged.Count && page.Count < query.Limit; k++)
                    {
                        if (query.Matches(logged.Sequence + k, workflowId, logged.TypeAt(k)))
                        {
                            page.Add(logged.EntryAt(k));
                        }
                    }
                }
            }

            return Task.FromResult<IReadOnlyList<EventLogEntry>>(page);
        }
    }

    public Task<IReadOnlyList<string>> PurgeAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            var scheduled = ScheduledRunsInProgress();
            var purged = _order
                .Where(id => _workflows[id].Record is { FinishedAt: { } finished } record && record.Status.IsFinished() && finished < finishedBefore && !scheduled.Contains(id))
                .ToArray();
            RemoveWorkflows(purged);
            return Task.FromResult<IReadOnlyList<string>>(purged);
        }
    }

    /// <summary>Appends the batch's moves to their workflows' histories and logs its events. A move that is also the
    /// next event (the engine adds each move to both lists, in the same order) is logged as its history slot, in the
    /// run of the entry before it when it follows it; any other event, and a move met out of that order, is logged
    /// as the object.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every commit
    private void AppendHistoryAndLog(List<TaskTransition> transitions, List<AgentManagerEvent> events)
    {
        var next = 0;
        WorkflowState? state = null;
        foreach (var @event in events)
        {
            var sequence = ++_lastSequence;
            if (next < transitions.Count && ReferenceEquals(@event, transitions[next]))
            {
                var slot = Append(transitions[next++], ref state);
                if (_events.Count == 0 || !_events.ItemRef(_events.Count - 1).TryAppend(sequence, state.History, slot))
                {
                    _events.Add(LoggedEvent.OfMove(sequence, state.History, slot));
                }
            }
            else
            {
                _events.Add(LoggedEvent.Of(sequence, @event));
            }
        }

        while (next < transitions.Count)
        {
            Append(transitions[next++], ref state);
        }
    }

    /// <summary>Appends a move to its workflow's history and gets its slot; <paramref name="state"/> is the workflow
    /// of the move before it, looked up again only for a move of another workflow id instance.</summary>
    private int Append(TaskTransition move, [System.Diagnostics.CodeAnalysis.NotNull] ref WorkflowState? state)
    {
        if (state is null || !ReferenceEquals(state.Record.WorkflowId, move.WorkflowId))
        {
            state = Find(move.WorkflowId);
        }

        return state.History.Add(move, state.Tasks.Count);
    }

    /// <summary>Removes workflows with their decisions and logged events; the caller holds the lock.</summary>
    private void RemoveWorkflows(IReadOnlyCollection<string> workflowIds)
    {
        var gone = workflowIds.ToHashSet(StringComparer.Ordinal);
        foreach (var id in gone)
        {
            _workflows.Remove(id);
            _order.Remove(id);
        }

        foreach (var decisionId in _decisionOrder.Where(d => gone.Contains(_decisions[d].WorkflowId)).ToArray())
        {
            _decisions.Remove(decisionId);
            _decisionOrder.Remove(decisionId);
        }

        _events.RemoveAll(e => gone.Contains(e.WorkflowId));
    }

    // Runs on every commit: plain loops, and a workflow id is looked up only when it is not already stored.
    // The id last found known is skipped by reference: a turn's entries mostly share one workflow id instance.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every commit
    private void ThrowIfOrphaned(StateChanges changes)
    {
        string? known = null;
        for (var i = 0; i < changes.Tasks.Count; i++)
        {
            ThrowIfUnknown(changes.Tasks.SourceAt(i).WorkflowId, changes, ref known);
        }

        foreach (var transition in changes.Transitions)
        {
            ThrowIfUnknown(transition.WorkflowId, changes, ref known);
        }

        foreach (var @event in changes.Events)
        {
            ThrowIfUnknown(@event.WorkflowId, changes, ref known);
        }

        foreach (var decision in changes.Decisions)
        {
            ThrowIfUnknown(decision.WorkflowId, changes, ref known);
        }

        ThrowIfUnknownTasks(changes);
    }

    /// <summary>Finds the row of every task change before anything is applied; a task that neither the store nor the
    /// batch holds refuses the batch. The rows found are kept in <see cref="_changedRows"/> for
    /// <see cref="ApplyTaskChanges"/> as indexes (-1 for a task the batch itself records).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every commit
    private void ThrowIfUnknownTasks(StateChanges changes)
    {
        _changedRows.Clear();
        WorkflowState? state = null;
        foreach (ref readonly var change in CollectionsMarshal.AsSpan(changes.TaskChanges))
        {
            change.ThrowIfUnnamed(nameof(changes));
            if (state is null || !ReferenceEquals(state.Record.WorkflowId, change.WorkflowId))
            {
                state = _workflows.GetValueOrDefault(change.WorkflowId);
            }

            if (state is not null && state.Tasks.IndexOf(change.TaskId, change.Ordinal) is >= 0 and var index)
            {
                _changedRows.Add(index);
            }
            else if (RecordedIn(changes.Tasks, change))
            {
                _changedRows.Add(-1);
            }
            else
            {
                throw new InvalidOperationException($"Task '{change.TaskId}' of workflow '{change.WorkflowId}' must be committed before a change of it; nothing was stored.");
            }
        }
    }

    private static bool RecordedIn(TaskRecordList tasks, in TaskStateChange change)
    {
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks.SourceAt(i);
            if (string.Equals(task.TaskId, change.TaskId, StringComparison.Ordinal) && string.Equals(task.WorkflowId, change.WorkflowId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every commit
    private void ApplyTaskChanges(List<TaskStateChange> changes)
    {
        var span = CollectionsMarshal.AsSpan(changes);
        WorkflowState? state = null;
        for (var i = 0; i < span.Length; i++)
        {
            ref readonly var change = ref span[i];
            if (state is null || !ReferenceEquals(state.Record.WorkflowId, change.WorkflowId))
            {
                state = Find(change.WorkflowId);
            }

            var index = _changedRows[i] is >= 0 and var found ? found : state.Tasks.IndexOf(change.TaskId, change.Ordinal);
            state.Tasks.Apply(index, in change);
        }

        _changedRows.Clear();
    }

    private void ThrowIfUnknown(string workflowId, StateChanges changes, ref string? known)
    {
        if (ReferenceEquals(workflowId, known))
        {
            return;
        }

        if (_workflows.ContainsKey(workflowId))
        {
            known = workflowId;
            return;
        }

        foreach (var workflow in changes.Workflows)
        {
            if (string.Equals(workflow.WorkflowId, workflowId, StringComparison.Ordinal))
            {
                known = workflowId;
                return;
            }
        }

        throw new InvalidOperationException($"Workflow '{workflowId}' must be committed before its tasks, transitions, events and decisions; nothing was stored.");
    }

    private WorkflowState Find(string workflowId) =>
        _workflows.TryGetValue(workflowId, out var state)
            ? state
            : throw new InvalidOperationException($"Workflow '{workflowId}' must be committed before its tasks and transitions.");

    private sealed class WorkflowState(WorkflowRecord record)
    {
        public WorkflowRecord Record { get; set; } = record;

        public InMemoryTaskRows Tasks { get; } = new();

        public MoveHistory History { get; } = new(record.WorkflowId);

        /// <summary>Gets or sets the log sequence up to which the workflow's events are marked published.</summary>
        public long PublishedThrough { get; set; }

        /// <summary>Gets or sets the latest request of another engine to start the workflow.</summary>
        public WorkflowRequest? StartRequest { get; set; }

        /// <summary>Gets or sets the first request of another engine to cancel the workflow.</summary>
        public WorkflowRequest? CancelRequest { get; set; }

        /// <summary>Gets the workflow's tasks as records, in ordinal order.</summary>
        public TaskRecord[] ToRecords()
        {
            var records = new TaskRecord[Tasks.Count];
            var sorted = true;
            for (var i = 0; i < records.Length; i++)
            {
                records[i] = Tasks[i].ToRecord(Record.WorkflowId);
                sorted &= i == 0 || records[i - 1].Ordinal <= records[i].Ordinal;
            }

            // Rows are added in ordinal order by the engine; a store filled otherwise is sorted, ties kept in row order.
            return sorted ? records : [.. records.OrderBy(static r => r.Ordinal)];
        }
    }
}

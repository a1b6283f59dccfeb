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
    private readonly List<EventLogEntry> _events = [];
    private long _lastSequence;

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

            foreach (var task in changes.Tasks)
            {
                Find(task.WorkflowId).Tasks[task.TaskId] = task;
            }

            foreach (var transition in changes.Transitions)
            {
                Find(transition.WorkflowId).Transitions.Add(transition);
            }

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

            foreach (var @event in changes.Events)
            {
                _events.Add(EventLog.Entry(++_lastSequence, @event));
                Find(@event.WorkflowId).Unpublished.Add((_lastSequence, @event));
            }

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
            IReadOnlyList<TaskRecord> result = _workflows.TryGetValue(workflowId, out var state)
                ? state.Tasks.Values.OrderBy(t => t.Ordinal).ToArray()
                : [];
            return Task.FromResult(result);
        }
    }

    public Task<TaskRecord?> GetTaskAsync(string workflowId, string taskId, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            TaskRecord? task = null;
            if (_workflows.TryGetValue(workflowId, out var state))
            {
                state.Tasks.TryGetValue(taskId, out task);
            }

            return Task.FromResult(task);
        }
    }

    public Task<IReadOnlyList<TaskTransition>> GetTransitionsAsync(string workflowId, string? taskId, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            IReadOnlyList<TaskTransition> result = !_workflows.TryGetValue(workflowId, out var state)
                ? []
                : taskId is null
                    ? state.Transitions.ToArray()
                    : state.Transitions.Where(t => t.TaskId == taskId).ToArray();
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyList<EventLogEntry>> ReadEventsAsync(EventLogQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        lock (_sync)
        {
            var matches = query.NewestFirst ? Enumerable.Reverse(_events).Where(query.Matches) : _events.Where(query.Matches);
            IReadOnlyList<EventLogEntry> page = matches.Take(query.Limit).ToArray();
            return Task.FromResult(page);
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
    private void ThrowIfOrphaned(StateChanges changes)
    {
        foreach (var task in changes.Tasks)
        {
            ThrowIfUnknown(task.WorkflowId, changes);
        }

        foreach (var transition in changes.Transitions)
        {
            ThrowIfUnknown(transition.WorkflowId, changes);
        }

        foreach (var @event in changes.Events)
        {
            ThrowIfUnknown(@event.WorkflowId, changes);
        }

        foreach (var decision in changes.Decisions)
        {
            ThrowIfUnknown(decision.WorkflowId, changes);
        }
    }

    private void ThrowIfUnknown(string workflowId, StateChanges changes)
    {
        if (_workflows.ContainsKey(workflowId))
        {
            return;
        }

        foreach (var workflow in changes.Workflows)
        {
            if (string.Equals(workflow.WorkflowId, workflowId, StringComparison.Ordinal))
            {
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

        public Dictionary<string, TaskRecord> Tasks { get; } = new(StringComparer.Ordinal);

        public List<TaskTransition> Transitions { get; } = [];

        /// <summary>Gets the events committed but not yet marked published, with their log sequence.</summary>
        public List<(long Sequence, Events.AgentManagerEvent Event)> Unpublished { get; } = [];
    }
}

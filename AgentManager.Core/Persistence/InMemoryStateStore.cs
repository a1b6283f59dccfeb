using AgentManager.Lifecycle;
using AgentManager.Workflows;

namespace AgentManager.Persistence;

/// <summary>The in-process store: fast, complete, and gone when the process ends.</summary>
internal sealed class InMemoryStateStore : IStateStore
{
    private readonly object _sync = new();
    private readonly Dictionary<string, WorkflowState> _workflows = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public Task CommitAsync(StateChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            ThrowIfOrphaned(changes);
            foreach (var workflow in changes.Workflows)
            {
                if (_workflows.TryGetValue(workflow.WorkflowId, out var state))
                {
                    state.Record = workflow;
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
        }

        return Task.CompletedTask;
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

    public Task<IReadOnlyList<string>> PurgeAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            var purged = _order
                .Where(id => _workflows[id].Record is { FinishedAt: { } finished } record && record.Status.IsFinished() && finished < finishedBefore)
                .ToArray();
            foreach (var id in purged)
            {
                _workflows.Remove(id);
                _order.Remove(id);
            }

            return Task.FromResult<IReadOnlyList<string>>(purged);
        }
    }

    private void ThrowIfOrphaned(StateChanges changes)
    {
        // A batch nearly always concerns one or two workflows: check each id once per run of equal ids.
        string? checkedId = null;
        foreach (var task in changes.Tasks)
        {
            ThrowIfUnknown(task.WorkflowId, changes, ref checkedId);
        }

        foreach (var transition in changes.Transitions)
        {
            ThrowIfUnknown(transition.WorkflowId, changes, ref checkedId);
        }
    }

    private void ThrowIfUnknown(string workflowId, StateChanges changes, ref string? checkedId)
    {
        if (string.Equals(workflowId, checkedId, StringComparison.Ordinal))
        {
            return;
        }

        if (!_workflows.ContainsKey(workflowId) && !changes.Workflows.Exists(w => string.Equals(w.WorkflowId, workflowId, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"Workflow '{workflowId}' must be committed before its tasks and transitions; nothing was stored.");
        }

        checkedId = workflowId;
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
    }
}

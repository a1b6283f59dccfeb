using AgentManager.Lifecycle;

namespace AgentManager.Persistence;

internal sealed partial class InMemoryStateStore
{
    public Task<WorkflowPage> QueryWorkflowsAsync(WorkflowQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            var matching = new List<WorkflowRecord>();
            foreach (var id in _order)
            {
                var record = _workflows[id].Record;
                if (query.Matches(record))
                {
                    matching.Add(record);
                }
            }

            return Task.FromResult(query.Page(matching));
        }
    }

    public Task<IReadOnlyList<TaskStateCount>> CountTasksAsync(IReadOnlyCollection<string>? workflowIds, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            var counts = new List<TaskStateCount>();
            var perState = new int[Enum.GetValues<TaskState>().Length];
            foreach (var id in workflowIds?.Distinct(StringComparer.Ordinal) ?? _order)
            {
                if (!_workflows.TryGetValue(id, out var state))
                {
                    continue;
                }

                Array.Clear(perState);
                for (var i = 0; i < state.Tasks.Count; i++)
                {
                    perState[(int)state.Tasks[i].State]++;
                }

                for (var s = 0; s < perState.Length; s++)
                {
                    if (perState[s] > 0)
                    {
                        counts.Add(new TaskStateCount(id, (TaskState)s, perState[s]));
                    }
                }
            }

            return Task.FromResult<IReadOnlyList<TaskStateCount>>(counts);
        }
    }

    public Task<IReadOnlyList<TaskRecord>> GetTasksInStateAsync(IReadOnlyCollection<string> workflowIds, TaskState state, CancellationToken cancellationToken)
    {
        StateStoreChecks.ThrowIfInvalidTaskQuery(workflowIds, state);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            var tasks = new List<TaskRecord>();
            foreach (var id in workflowIds.Distinct(StringComparer.Ordinal))
            {
                if (!_workflows.TryGetValue(id, out var workflow))
                {
                    continue;
                }

                var matching = new List<TaskRecord>();
                for (var i = 0; i < workflow.Tasks.Count; i++)
                {
                    if (workflow.Tasks[i].State == state)
                    {
                        matching.Add(workflow.Tasks[i].ToRecord(id));
                    }
                }

                // Rows are added in ordinal order by the engine; a store filled otherwise is sorted, ties kept in row order.
                tasks.AddRange(matching.OrderBy(static t => t.Ordinal));
            }

            return Task.FromResult<IReadOnlyList<TaskRecord>>(tasks);
        }
    }
}

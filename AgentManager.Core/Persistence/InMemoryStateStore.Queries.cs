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

    public Task<TaskPage> QueryTasksAsync(TaskQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            var tasks = new List<TaskRecord>();
            var total = 0;
            var skip = query.Offset;
            var take = query.Limit ?? int.MaxValue;
            foreach (var id in query.DistinctWorkflowIds())
            {
                if (!_workflows.TryGetValue(id, out var workflow))
                {
                    continue;
                }

                // Rows are added in ordinal order by the engine; a store filled otherwise is sorted, ties kept in row order.
                var rows = workflow.Tasks;
                var order = Enumerable.Range(0, rows.Count).Where(r => query.Matches(rows[r].State)).OrderBy(r => rows[r].Ordinal).ToArray();
                total += order.Length;
                foreach (var row in order.Skip(skip).Take(take))
                {
                    tasks.Add(rows[row].ToRecord(id));
                }

                take -= Math.Min(take, Math.Max(0, order.Length - skip));
                skip = Math.Max(0, skip - order.Length);
            }

            return Task.FromResult(new TaskPage(tasks, total));
        }
    }
}

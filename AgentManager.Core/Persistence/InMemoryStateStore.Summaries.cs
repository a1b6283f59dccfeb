using System.Runtime.CompilerServices;
using AgentManager.Workflows;

namespace AgentManager.Persistence;

internal sealed partial class InMemoryStateStore : ITaskSummarySource
{
    // Called once per summary over every task: straight to optimized code. Rows are added in ordinal order by the
    // engine, so the sort is needed only for a store filled otherwise.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public TaskSummary[] SummarizeTasks(string workflowId)
    {
        lock (_sync)
        {
            if (!_workflows.TryGetValue(workflowId, out var state))
            {
                return [];
            }

            var summaries = new TaskSummary[state.Tasks.Count];
            var i = 0;
            var previous = int.MinValue;
            foreach (var row in state.Tasks.Values)
            {
                if (row.Ordinal < previous)
                {
                    return [.. state.Tasks.Values.OrderBy(r => r.Ordinal).Select(r => r.ToSummary())];
                }

                previous = row.Ordinal;
                summaries[i++] = row.ToSummary();
            }

            return summaries;
        }
    }
}

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

            var rows = state.Tasks;
            var summaries = new TaskSummary[rows.Count];
            for (var i = 0; i < summaries.Length; i++)
            {
                ref var row = ref rows[i];
                if (i > 0 && row.Ordinal < rows[i - 1].Ordinal)
                {
                    return [.. Enumerable.Range(0, rows.Count).OrderBy(r => rows[r].Ordinal).Select(r => rows[r].ToSummary())];
                }

                summaries[i] = row.ToSummary();
            }

            return summaries;
        }
    }
}

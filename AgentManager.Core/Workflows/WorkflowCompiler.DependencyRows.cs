namespace AgentManager.Workflows;

internal sealed partial class WorkflowCompiler
{
    /// <summary>A workflow's dependencies as graph indexes in compressed rows, the form the graph loads without copying:
    /// task v's distinct prerequisites are <c>Prerequisites[Offsets[v] .. Offsets[v + 1]]</c>, in declared order.</summary>
    private sealed class DependencyRows(int tasks, int declaredEdges)
    {
        // A short row is searched in place: most tasks have a few dependencies. A long one gets a stamp per task.
        private const int ShortRow = 16;

        private int[]? _stamp;
        private int _stampedRow = -1;
        private int _count;

        public int[] Offsets { get; } = new int[tasks + 1];

        /// <summary>Gets the rows back to back; the array may be longer than the last row's end (repeats are dropped).</summary>
        public int[] Prerequisites { get; } = declaredEdges == 0 ? [] : new int[declaredEdges];

        public void StartRow(int task) => Offsets[task] = _count;

        /// <summary>Adds <paramref name="prerequisite"/> to the row of <paramref name="task"/>, the row being filled,
        /// unless it is there already.</summary>
        public void AddDistinct(int task, int prerequisite)
        {
            var row = Prerequisites.AsSpan(Offsets[task], _count - Offsets[task]);
            if (row.Length < ShortRow)
            {
                if (row.Contains(prerequisite))
                {
                    return;
                }
            }
            else
            {
                if (_stampedRow != task)
                {
                    _stamp ??= new int[tasks];
                    foreach (var earlier in row)
                    {
                        _stamp[earlier] = task + 1;
                    }

                    _stampedRow = task;
                }

                if (_stamp![prerequisite] == task + 1)
                {
                    return;
                }

                _stamp[prerequisite] = task + 1;
            }

            Prerequisites[_count++] = prerequisite;
        }

        public void End(int tasksCompiled) => Offsets[tasksCompiled] = _count;
    }
}

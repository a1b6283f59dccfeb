using AgentManager.Benchmarks.Cli;

namespace AgentManager.Benchmarks.Throughput;

/// <summary>A workload as plain arrays, the same for every engine: task i's parents and children in
/// compressed rows, with every parent numbered below its child (so index order is a topological order).</summary>
internal sealed class Workload
{
    public const int TreeBranching = 4;
    public const int LayerWidth = 1000;

    private readonly int[] _parentStart;
    private readonly int[] _parents;
    private readonly int[] _childStart;
    private readonly int[] _children;

    private Workload(WorkloadKind kind, int count, int[] parentStart, int[] parents)
    {
        Kind = kind;
        Count = count;
        _parentStart = parentStart;
        _parents = parents;
        (_childStart, _children) = Invert(count, parentStart, parents);
    }

    public WorkloadKind Kind { get; }

    public int Count { get; }

    public int EdgeCount => _parents.Length;

    public ReadOnlySpan<int> ParentsOf(int task) => _parents.AsSpan(_parentStart[task], _parentStart[task + 1] - _parentStart[task]);

    public ReadOnlySpan<int> ChildrenOf(int task) => _children.AsSpan(_childStart[task], _childStart[task + 1] - _childStart[task]);

    /// <summary>The number of parents of every task, for in-degree counters.</summary>
    public int[] InDegrees()
    {
        var degrees = new int[Count];
        for (var i = 0; i < Count; i++)
        {
            degrees[i] = _parentStart[i + 1] - _parentStart[i];
        }

        return degrees;
    }

    /// <summary>The largest number of parents of one task.</summary>
    public int MaxParents()
    {
        var max = 0;
        for (var i = 0; i < Count; i++)
        {
            max = Math.Max(max, _parentStart[i + 1] - _parentStart[i]);
        }

        return max;
    }

    public static string TaskId(int index) => "t" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Gets the ids of tasks 0 to <paramref name="count"/> − 1, made once, so that a benchmark's measured
    /// allocation leaves them out.</summary>
    public static string[] TaskIds(int count) => [.. Enumerable.Range(0, count).Select(TaskId)];

    /// <summary>Describes the workload's tasks in <paramref name="workflow"/>: each task's id and its dependencies, as a
    /// caller would write them (every dependency its own id string).</summary>
    public void AddTasksTo(AgentManager.Workflows.WorkflowDefinition workflow)
    {
        for (var i = 0; i < Count; i++)
        {
            var task = new AgentManager.Workflows.TaskDefinition(TaskId(i));
            foreach (var parent in ParentsOf(i))
            {
                task.Dependencies.Add(TaskId(parent));
            }

            workflow.Tasks.Add(task);
        }
    }

    /// <summary>Parses an id made by <see cref="TaskId"/>.</summary>
    public static int IndexOf(string taskId) => int.Parse(taskId.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);

    public static Workload Create(WorkloadKind kind, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return kind switch
        {
            WorkloadKind.Independent => Build(kind, count, 0, (_, _) => -1),
            WorkloadKind.Tree => Build(kind, count, 1, (i, _) => i == 0 ? -1 : (i - 1) / TreeBranching),
            WorkloadKind.Chain => Build(kind, count, 1, (i, _) => i == 0 ? -1 : i - 1),
            WorkloadKind.Layers => CreateLayers(count),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private static Workload CreateLayers(int count)
    {
        if (count % LayerWidth != 0)
        {
            throw new UsageException($"The layers workload needs --n to be a multiple of {LayerWidth}, not {count}.");
        }

        return Build(WorkloadKind.Layers, count, 3, static (i, k) =>
        {
            if (i < LayerWidth)
            {
                return -1;
            }

            var layerStart = ((i / LayerWidth) - 1) * LayerWidth;
            var j = i % LayerWidth;
            return layerStart + ((j + k) % LayerWidth);
        });
    }

    /// <summary>Builds rows of at most <paramref name="perTask"/> parents; <paramref name="parent"/>
    /// gives parent number k of task i, or -1 for none.</summary>
    private static Workload Build(WorkloadKind kind, int count, int perTask, Func<int, int, int> parent)
    {
        var start = new int[count + 1];
        var parents = new List<int>(count * perTask);
        for (var i = 0; i < count; i++)
        {
            start[i] = parents.Count;
            for (var k = 0; k < perTask; k++)
            {
                var p = parent(i, k);
                if (p >= 0)
                {
                    parents.Add(p);
                }
            }
        }

        start[count] = parents.Count;
        return new Workload(kind, count, start, [.. parents]);
    }

    private static (int[] Start, int[] Items) Invert(int count, int[] parentStart, int[] parents)
    {
        var start = new int[count + 1];
        foreach (var p in parents)
        {
            start[p + 1]++;
        }

        for (var i = 0; i < count; i++)
        {
            start[i + 1] += start[i];
        }

        var fill = (int[])start.Clone();
        var items = new int[parents.Length];
        for (var child = 0; child < count; child++)
        {
            for (var k = parentStart[child]; k < parentStart[child + 1]; k++)
            {
                items[fill[parents[k]]++] = child;
            }
        }

        return (start, items);
    }
}

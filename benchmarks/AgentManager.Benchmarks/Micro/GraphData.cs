using AgentManager.Benchmarks.Throughput;
using AgentManager.Graph;

namespace AgentManager.Benchmarks.Micro;

/// <summary>Task ids and dependencies for the graph benchmarks and the bulk-load runner.</summary>
internal static class GraphData
{
    public static string[] Ids(int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = Workload.TaskId(i);
        }

        return ids;
    }

    /// <summary>Every task depends on <paramref name="perTask"/> distinct earlier tasks chosen at random
    /// (fewer for the first few), with a fixed seed.</summary>
    public static TaskDependency[] RandomDag(string[] ids, int perTask, int seed = 42)
    {
        var random = new Random(seed);
        var dependencies = new List<TaskDependency>(ids.Length * perTask);
        Span<int> chosen = stackalloc int[perTask];
        for (var i = 1; i < ids.Length; i++)
        {
            var want = Math.Min(perTask, i);
            for (var k = 0; k < want; k++)
            {
                int parent;
                do
                {
                    parent = random.Next(i);
                }
                while (chosen[..k].Contains(parent));

                chosen[k] = parent;
                dependencies.Add(new TaskDependency(ids[i], ids[parent]));
            }
        }

        return [.. dependencies];
    }

    /// <summary>The throughput runner's layers shape: width 1000, task j of layer k+1 depends on j, j+1, j+2 of layer k.</summary>
    public static TaskDependency[] Layers(string[] ids) => Of(Workload.Create(WorkloadKind.Layers, ids.Length), ids);

    /// <summary>The dependencies of a throughput workload.</summary>
    public static TaskDependency[] Of(Workload workload, string[] ids)
    {
        var dependencies = new List<TaskDependency>(workload.EdgeCount);
        for (var i = 0; i < ids.Length; i++)
        {
            foreach (var parent in workload.ParentsOf(i))
            {
                dependencies.Add(new TaskDependency(ids[i], ids[parent]));
            }
        }

        return [.. dependencies];
    }

    /// <summary>A layered graph built task by task with <c>AddTask</c> and <c>AddDependency</c> (each edge
    /// keeps the order, so no reorder runs); faster to set up than <c>AddRange</c> for this shape.</summary>
    public static TaskGraph LayersGraph(int count)
    {
        var ids = Ids(count);
        var workload = Workload.Create(WorkloadKind.Layers, count);
        var graph = new TaskGraph();
        for (var i = 0; i < count; i++)
        {
            graph.AddTask(ids[i]);
            foreach (var parent in workload.ParentsOf(i))
            {
                graph.AddDependency(ids[i], ids[parent]);
            }
        }

        return graph;
    }
}

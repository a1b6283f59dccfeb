using AgentManager.Graph;
using BenchmarkDotNet.Attributes;

namespace AgentManager.Benchmarks.Micro;

/// <summary><c>TaskGraph.AddRange</c> of a whole workflow: N tasks, each depending on 3 earlier ones.</summary>
[MemoryDiagnoser]
public class GraphBulkAddBenchmarks
{
    private string[] _ids = [];
    private TaskDependency[] _dependencies = [];

    [Params(10_000, 100_000)]
    public int Tasks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ids = GraphData.Ids(Tasks);
        _dependencies = GraphData.RandomDag(_ids, perTask: 3);
    }

    [Benchmark]
    public TaskGraph AddRange()
    {
        var graph = new TaskGraph();
        graph.AddRange(_ids, _dependencies);
        return graph;
    }
}

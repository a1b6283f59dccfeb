using AgentManager.Graph;
using BenchmarkDotNet.Attributes;

namespace AgentManager.Benchmarks.Micro;

/// <summary>The ready-set update the engine makes when a task completes (<c>MarkCompleted(index, list)</c>):
/// every task of a 10,000-task layered graph (3 dependencies each) completed in order; cost per completion.</summary>
[MemoryDiagnoser]
public class ReadySetBenchmarks
{
    private const int Tasks = 10_000;
    private readonly List<int> _newlyReady = new(Tasks);
    private TaskGraph _graph = new();
    private int[] _indices = [];

    [IterationSetup]
    public void Setup()
    {
        _graph = GraphData.LayersGraph(Tasks);
        _indices = GraphData.Ids(Tasks).Select(_graph.IndexOf).ToArray();
    }

    [Benchmark(OperationsPerInvoke = Tasks)]
    public int MarkCompleted()
    {
        var ready = 0;
        foreach (var index in _indices)
        {
            _newlyReady.Clear();
            _graph.MarkCompleted(index, _newlyReady);
            ready += _newlyReady.Count;
        }

        return ready;
    }
}

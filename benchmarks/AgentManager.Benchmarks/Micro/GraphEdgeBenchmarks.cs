using AgentManager.Graph;
using BenchmarkDotNet.Attributes;

namespace AgentManager.Benchmarks.Micro;

/// <summary>One <c>AddDependency</c> (with its cycle check) on a 100,000-task layered graph (width 1000,
/// 3 dependencies per task), undone by <c>RemoveDependency</c> so that every call sees the same graph.</summary>
/// <remarks>A = layer 40 position 0, B = layer 50 position 500 (unrelated), D = layer 45 position 0 (a
/// descendant of A). "B depends on A" keeps the topological order; "A depends on B" and back forces the
/// Pearce–Kelly reorder each time (about 120 tasks searched each way); "A depends on D" closes a cycle.</remarks>
[MemoryDiagnoser]
public class GraphEdgeBenchmarks
{
    private const string A = "t40000";
    private const string B = "t50500";
    private const string D = "t45000";

    private TaskGraph _ordered = new();
    private TaskGraph _reordered = new();

    [GlobalSetup]
    public void Setup()
    {
        _ordered = GraphData.LayersGraph(100_000);
        _reordered = GraphData.LayersGraph(100_000);
    }

    [Benchmark(Description = "add+remove, order kept")]
    public bool AddKeepingOrder()
    {
        _ordered.AddDependency(B, A);
        return _ordered.RemoveDependency(B, A);
    }

    [Benchmark(Description = "add+remove, reorder", OperationsPerInvoke = 2)]
    public bool AddReordering()
    {
        _reordered.AddDependency(A, B);
        _reordered.RemoveDependency(A, B);
        _reordered.AddDependency(B, A);
        return _reordered.RemoveDependency(B, A);
    }

    [Benchmark(Description = "add refused, cycle")]
    public bool AddClosingCycle()
    {
        try
        {
            _ordered.AddDependency(A, D);
            return false;
        }
        catch (DependencyCycleException)
        {
            return true;
        }
    }
}

using AgentManager.Scheduling;
using BenchmarkDotNet.Attributes;

namespace AgentManager.Benchmarks.Micro;

/// <summary>The scheduler's <c>DispatchQueue</c> as the engine drives it: 1000 ready items with 4 priorities,
/// at most 8 running, one completion (release) at a time until all ran; cost per item.</summary>
/// <remarks>Resources: <c>None</c>; <c>FourKeys</c>, each item holding one of 4 keys of capacity 2;
/// <c>OneKey</c>, every item holding the same key of capacity 2 (e.g. one model for all tasks).</remarks>
[MemoryDiagnoser]
public class DispatchQueueBenchmarks
{
    private const int Items = 1000;
    private const int Running = 8;
    private readonly List<string[]> _held = new(Running);
    private string[][] _resources = [];

    public enum ResourceMode
    {
        None,
        FourKeys,
        OneKey,
    }

    [Params(ResourceMode.None, ResourceMode.FourKeys, ResourceMode.OneKey)]
    public ResourceMode Resources { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string[][] keys = [["model:a"], ["model:b"], ["workdir:/x"], ["tool:y"]];
        _resources = new string[Items][];
        for (var i = 0; i < Items; i++)
        {
            _resources[i] = Resources switch
            {
                ResourceMode.None => [],
                ResourceMode.FourKeys => keys[i % keys.Length],
                _ => keys[0],
            };
        }
    }

    [Benchmark(OperationsPerInvoke = Items)]
    public int EnqueueDispatchRelease()
    {
        var queue = new DispatchQueue<int>(new ResourcePool(new Dictionary<string, int>(StringComparer.Ordinal), defaultCapacity: 2));
        for (var i = 0; i < Items; i++)
        {
            queue.Enqueue(i, i % 4, _resources[i]);
        }

        var finished = 0;
        while (finished < Items)
        {
            while (_held.Count < Running && queue.TryDequeue(out _, out var resources))
            {
                _held.Add(resources);
            }

            queue.Release(_held[0]);
            _held.RemoveAt(0);
            finished++;
        }

        return finished;
    }
}

using System.Diagnostics;
using System.Globalization;
using AgentManager.Benchmarks.Cli;
using AgentManager.Benchmarks.Micro;
using AgentManager.Benchmarks.Throughput;
using AgentManager.Graph;

namespace AgentManager.Benchmarks.GraphLoad;

/// <summary><c>graphload [--n 1000000] [--edges 3] [--shape random|independent|tree|chain|layers]</c>: times
/// one <c>TaskGraph.AddRange</c> of N tasks and prints one line with the time (wall clock, and the CPU
/// time of the process, less sensitive to a busy machine), the bytes allocated, the
/// heap the graph keeps and the peak RSS. The default shape gives every task E random earlier
/// dependencies; the others are the throughput runner's workloads.</summary>
internal static class GraphLoadCommand
{
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var line = Arguments.Parse(args);
        var count = line.Int("n", 1_000_000);
        var perTask = line.Int("edges", 3);
        var shape = line.Text("shape", "random");
        line.ThrowIfUnknown();

        var ids = GraphData.Ids(count);
        var dependencies = shape == "random" ? GraphData.RandomDag(ids, perTask) : GraphData.Of(Workload.Create(WorkloadKinds.Parse(shape), count), ids);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var rssBefore = ProcessMemory.PeakRssMegabytes();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var pauseBefore = GC.GetTotalPauseDuration();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var graph = new TaskGraph();
        graph.AddRange(ids, dependencies);
        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var pause = GC.GetTotalPauseDuration() - pauseBefore;
        var kept = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        GC.KeepAlive(graph);
        log.WriteLine($"input (ids and dependencies, made before the clock): peak RSS {rssBefore:0} MB; GC pause during the load {pause.TotalMilliseconds:0} ms; {graph.Count} tasks, {graph.DependencyCount} dependencies");
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"graphload shape={shape} tasks={count} edges={dependencies.Length} seconds={clock.Elapsed.TotalSeconds:0.000} cpu_seconds={cpu.TotalSeconds:0.000} allocated_mb={allocated / 1048576.0:0} retained_mb={kept / 1048576.0:0} peak_rss_mb={ProcessMemory.PeakRssMegabytes():0}"));
        return ExitCodes.Ok;
    }
}

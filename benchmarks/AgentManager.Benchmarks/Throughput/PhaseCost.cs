using System.Diagnostics;
using System.Globalization;

namespace AgentManager.Benchmarks.Throughput;

/// <summary>Process CPU time, bytes allocated, collections per generation, GC pause and peak RSS at one moment, to report
/// what one phase of a run cost (the difference of two readings) and how high RSS had gone by its end.</summary>
internal readonly record struct PhaseCost(TimeSpan Cpu, long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Pause, double PeakRssMb)
{
    public static PhaseCost Now() => new(
        Process.GetCurrentProcess().TotalProcessorTime,
        GC.GetTotalAllocatedBytes(),
        GC.CollectionCount(0),
        GC.CollectionCount(1),
        GC.CollectionCount(2),
        GC.GetTotalPauseDuration(),
        ProcessMemory.PeakRssMegabytes());

    /// <summary>Describes the cost between <paramref name="start"/> and this reading.</summary>
    public string Minus(PhaseCost start) => string.Create(
        CultureInfo.InvariantCulture,
        $"CPU {(Cpu - start.Cpu).TotalMilliseconds:0} ms, {(Allocated - start.Allocated) / 1048576.0:0.0} MB allocated, GCs gen0/1/2 = {Gen0 - start.Gen0}/{Gen1 - start.Gen1}/{Gen2 - start.Gen2}, GC pause {(Pause - start.Pause).TotalMilliseconds:0} ms, peak RSS by its end {PeakRssMb:0} MB");
}

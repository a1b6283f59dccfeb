using System.Diagnostics;
using System.Globalization;

namespace AgentManager.Benchmarks.Throughput;

/// <summary>Process CPU time, collections per generation and GC pause at one moment, to report what one phase of a
/// run cost (the difference of two readings).</summary>
internal readonly record struct PhaseCost(TimeSpan Cpu, int Gen0, int Gen1, int Gen2, TimeSpan Pause)
{
    public static PhaseCost Now() => new(
        Process.GetCurrentProcess().TotalProcessorTime,
        GC.CollectionCount(0),
        GC.CollectionCount(1),
        GC.CollectionCount(2),
        GC.GetTotalPauseDuration());

    /// <summary>Describes the cost between <paramref name="start"/> and this reading.</summary>
    public string Minus(PhaseCost start) => string.Create(
        CultureInfo.InvariantCulture,
        $"CPU {(Cpu - start.Cpu).TotalMilliseconds:0} ms, GCs gen0/1/2 = {Gen0 - start.Gen0}/{Gen1 - start.Gen1}/{Gen2 - start.Gen2}, GC pause {(Pause - start.Pause).TotalMilliseconds:0} ms");
}

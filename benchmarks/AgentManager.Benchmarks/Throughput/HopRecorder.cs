using System.Diagnostics;

namespace AgentManager.Benchmarks.Throughput;

/// <summary>Records when each task's body starts and ends, to measure the hops of a chain: the time
/// from one task's body returning to the next task's body starting.</summary>
internal sealed class HopRecorder(int count)
{
    private readonly long[] _starts = new long[count];
    private readonly long[] _ends = new long[count];

    /// <summary>A recorder for a chain workload; <see langword="null"/> for the other shapes, which have no hops.</summary>
    public static HopRecorder? For(Workload workload) => workload.Kind == WorkloadKind.Chain ? new HopRecorder(workload.Count) : null;

    public void Started(int task) => _starts[task] = Stopwatch.GetTimestamp();

    public void Finished(int task) => _ends[task] = Stopwatch.GetTimestamp();

    /// <summary>The median over i ≥ 1 of start(i) − end(i−1), in microseconds.</summary>
    public double MedianHopMicroseconds()
    {
        var hops = SortedHops();
        if (hops.Length == 0)
        {
            return 0;
        }

        var mid = hops.Length / 2;
        return hops.Length % 2 == 1 ? hops[mid] : (hops[mid - 1] + hops[mid]) / 2;
    }

    /// <summary>Describes the whole distribution of hops, for the log.</summary>
    public string Describe()
    {
        var hops = SortedHops();
        if (hops.Length == 0)
        {
            return "no hops";
        }

        double At(double quantile) => hops[Math.Min(hops.Length - 1, (int)(quantile * hops.Length))];
        return string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"hops µs: p50 {At(0.5):0.0}, p90 {At(0.9):0.0}, p99 {At(0.99):0.0}, max {hops[^1]:0}, mean {hops.Average():0.0}, sum {hops.Sum() / 1000:0} ms");
    }

    private double[] SortedHops()
    {
        var hops = new double[Math.Max(0, _starts.Length - 1)];
        for (var i = 1; i < _starts.Length; i++)
        {
            hops[i - 1] = (_starts[i] - _ends[i - 1]) * 1_000_000.0 / Stopwatch.Frequency;
        }

        Array.Sort(hops);
        return hops;
    }
}

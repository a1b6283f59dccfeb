using System.Diagnostics;

namespace AgentManager.Benchmarks.Throughput;

/// <summary>Records when each task's body starts and ends, to measure the hops of a chain: the time
/// from one task's body returning to the next task's body starting.</summary>
internal sealed class HopRecorder(int count)
{
    private readonly long[] _starts = new long[count];
    private readonly long[] _ends = new long[count];

    public void Started(int task) => _starts[task] = Stopwatch.GetTimestamp();

    public void Finished(int task) => _ends[task] = Stopwatch.GetTimestamp();

    /// <summary>The median over i ≥ 1 of start(i) − end(i−1), in microseconds.</summary>
    public double MedianHopMicroseconds()
    {
        if (_starts.Length < 2)
        {
            return 0;
        }

        var hops = new long[_starts.Length - 1];
        for (var i = 1; i < _starts.Length; i++)
        {
            hops[i - 1] = _starts[i] - _ends[i - 1];
        }

        Array.Sort(hops);
        var mid = hops.Length / 2;
        var ticks = hops.Length % 2 == 1 ? hops[mid] : (hops[mid - 1] + hops[mid]) / 2.0;
        return ticks * 1_000_000.0 / Stopwatch.Frequency;
    }
}

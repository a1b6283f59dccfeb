using System.Globalization;
using System.Text;

namespace AgentManager.Benchmarks.Throughput;

/// <summary>The one line a throughput run prints: <c>key=value</c> fields separated by spaces.</summary>
internal sealed record RunResult(string Engine, string Workload, int Count)
{
    public double Seconds { get; init; }

    public double PeakRssMegabytes { get; init; }

    public double? MedianHopMicroseconds { get; init; }

    public double? AllocatedBytesPerTask { get; init; }

    /// <summary>Gets the CPU time of the whole process (every thread) during the timed run: on a machine
    /// shared with other work, tasks per CPU second moves much less than tasks per second.</summary>
    public double? CpuSeconds { get; init; }

    /// <summary>Gets how many rounds a steady-state warm-up ran (<see cref="SteadyWarmUp"/>).</summary>
    public int? WarmupRounds { get; init; }

    public string? Unsupported { get; init; }

    /// <summary>Gets the state store when it is not the in-memory one.</summary>
    public string? Store { get; init; }

    public string? Error { get; init; }

    public double TasksPerSecond => Seconds > 0 ? Count / Seconds : 0;

    public override string ToString()
    {
        var line = new StringBuilder();
        Append(line, "engine", Engine);
        Append(line, "workload", Workload);
        Append(line, "n", Count.ToString(CultureInfo.InvariantCulture));
        if (Store is not null)
        {
            Append(line, "store", Store);
        }
        if (Unsupported is not null)
        {
            Append(line, "unsupported", Unsupported);
            return line.ToString();
        }

        if (Error is not null)
        {
            Append(line, "error", Error);
            Append(line, "peak_rss_mb", F(PeakRssMegabytes, "0"));
            return line.ToString();
        }

        Append(line, "seconds", F(Seconds, "0.000"));
        Append(line, "tasks_per_s", F(TasksPerSecond, "0"));
        Append(line, "peak_rss_mb", F(PeakRssMegabytes, "0"));
        if (MedianHopMicroseconds is { } hop)
        {
            Append(line, "median_hop_us", F(hop, "0.0"));
        }

        if (AllocatedBytesPerTask is { } allocated)
        {
            Append(line, "alloc_b_per_task", F(allocated, "0"));
        }

        if (CpuSeconds is { } cpu)
        {
            Append(line, "cpu_s", F(cpu, "0.000"));
        }

        if (WarmupRounds is { } rounds)
        {
            Append(line, "warmup_rounds", rounds.ToString(CultureInfo.InvariantCulture));
        }

        return line.ToString();
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static void Append(StringBuilder line, string key, string value)
    {
        if (line.Length > 0)
        {
            line.Append(' ');
        }

        line.Append(key).Append('=').Append(value);
    }
}

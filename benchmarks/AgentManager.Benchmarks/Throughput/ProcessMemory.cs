using System.Globalization;

namespace AgentManager.Benchmarks.Throughput;

/// <summary>Reads the process's peak resident set size (VmHWM) from /proc/self/status.</summary>
internal static class ProcessMemory
{
    public static double PeakRssMegabytes()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            return double.NaN;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kilobytes = long.Parse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                return kilobytes / 1024.0;
            }
        }

        return double.NaN;
    }
}

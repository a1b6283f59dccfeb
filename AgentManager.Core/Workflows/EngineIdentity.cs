using System.Diagnostics;
using System.Globalization;

namespace AgentManager.Workflows;

/// <summary>How an engine names itself as a lease owner, <c>host/pid/start/instance</c>, and how it tells that the
/// owner of a lease is gone: on the same host, a process id that no longer runs, or now runs a process started at
/// another time (the id was reused).</summary>
internal static class EngineIdentity
{
    private static readonly long StartTicks = StartOf(Environment.ProcessId) ?? 0;

    /// <summary>Makes the owner name of a new engine; two engines of one process get different names.</summary>
    public static string NewOwner() =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}/{Environment.ProcessId}/{StartTicks}/{Guid.NewGuid().ToString("N")[..8]}");

    /// <summary>Whether the owner is an engine of a process on this host that is gone. Unknown formats, other hosts
    /// and processes that cannot be inspected count as alive: their leases are taken over only when they expire.</summary>
    public static bool IsGone(string owner)
    {
        var parts = owner.Split('/');
        if (parts.Length != 4
            || !string.Equals(parts[0], Environment.MachineName, StringComparison.Ordinal)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var started))
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            // This process: alive unless the id belonged to an earlier process.
            return !SameStart(started, StartTicks);
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited)
            {
                return true;
            }

            // A start time that cannot be read leaves the process counted as alive, as the summary says.
            return StartOf(process) is { } actual && !SameStart(started, actual);
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    /// <summary>Start times are read from the OS with whole-second precision on some platforms.</summary>
    private static bool SameStart(long expected, long actual) => Math.Abs(expected - actual) < TimeSpan.TicksPerSecond;

    private static long? StartOf(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return StartOf(process);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static long? StartOf(Process process)
    {
        try
        {
            return process.StartTime.ToUniversalTime().Ticks;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }
}

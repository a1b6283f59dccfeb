using System.Diagnostics.Tracing;

namespace AgentManager.Benchmarks.Profiling;

/// <summary>Samples allocations in process through the runtime's GCAllocationTick events (one event about
/// every 100 KB allocated, naming the type whose allocation crossed the mark), summed by type.</summary>
internal sealed class AllocationListener : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    // Initialized before the base constructor runs, which may already call OnEventSourceCreated.
    private readonly Lock _sync = new();
    private readonly Dictionary<string, (long Bytes, int Ticks)> _byType = new(StringComparer.Ordinal);
    private bool _stopped;

    public long TotalBytes
    {
        get
        {
            lock (_sync)
            {
                return _byType.Values.Sum(v => v.Bytes);
            }
        }
    }

    /// <summary>Drops what was counted and counts again.</summary>
    public void Reset()
    {
        lock (_sync)
        {
            _byType.Clear();
            _stopped = false;
        }
    }

    /// <summary>Counts nothing more.</summary>
    public void Stop()
    {
        lock (_sync)
        {
            _stopped = true;
        }
    }

    /// <summary>Waits for the samples of allocations made before the call: the runtime hands them to the listener late,
    /// in batches (a guess of a second, for a phase boundary in the profile, not for a timed run).</summary>
    public static void LetSamplesArrive() => Thread.Sleep(TimeSpan.FromSeconds(1));

    public IReadOnlyList<(string Type, long Bytes, int Ticks)> Top(int count)
    {
        lock (_sync)
        {
            return _byType.OrderByDescending(p => p.Value.Bytes).Take(count).Select(p => (p.Key, p.Value.Bytes, p.Value.Ticks)).ToList();
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.PayloadNames is null || eventData.Payload is null)
        {
            return;
        }

        var type = Payload(eventData, "TypeName") as string ?? "?";
        var bytes = Payload(eventData, "AllocationAmount64") is ulong amount64 ? (long)amount64 : Convert.ToInt64(Payload(eventData, "AllocationAmount") ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        lock (_sync)
        {
            if (_stopped)
            {
                return;
            }

            _byType.TryGetValue(type, out var sum);
            _byType[type] = (sum.Bytes + bytes, sum.Ticks + 1);
        }
    }

    private static object? Payload(EventWrittenEventArgs eventData, string name)
    {
        var index = eventData.PayloadNames!.IndexOf(name);
        return index >= 0 ? eventData.Payload![index] : null;
    }
}

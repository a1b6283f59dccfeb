using System.Diagnostics.Tracing;
using System.Globalization;

namespace AgentManager.Benchmarks.Throughput;

/// <summary>Records every collection of the timed run through the runtime's GC events (<c>throughput --gc-log</c>):
/// generation, reason, type (blocking or background), the pause of each suspension, the bytes promoted and the
/// generations' sizes after it, and each allocation sample that went to the large object heap (type and size: the
/// runtime samples about every 100 KB, so every array of 100 KB or more is seen, smaller large ones may be summed).
/// Printed on stderr after the run; the events arrive on a thread of the runtime, so the listener's own cost is a
/// few microseconds per event, not per allocation.</summary>
internal sealed class GcLog : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    // Initialized before the base constructor runs, which may already call OnEventSourceCreated.
    private readonly Lock _sync = new();
    private readonly List<(DateTime At, string Text)> _lines = [];
    private readonly Dictionary<uint, (DateTime At, string Text)> _open = [];
    private DateTime _suspending;
    private DateTime _suspended;
    private DateTime _origin = DateTime.MaxValue;
    private bool _recording;

    /// <summary>Forgets what came before and records from now on.</summary>
    public void Begin()
    {
        lock (_sync)
        {
            _lines.Clear();
            _open.Clear();
            _origin = DateTime.UtcNow;
            _recording = true;
        }
    }

    /// <summary>Adds a line marking a moment of the run (a phase's start or end).</summary>
    public void Mark(string what)
    {
        lock (_sync)
        {
            if (_recording)
            {
                _lines.Add((DateTime.UtcNow, string.Create(CultureInfo.InvariantCulture, $"-- {what} at {(DateTime.UtcNow - _origin).TotalMilliseconds:0} ms")));
            }
        }
    }

    /// <summary>Waits for the runtime to hand over the events of the run (they come in batches), stops and prints them.</summary>
    public void End(TextWriter log)
    {
        Thread.Sleep(TimeSpan.FromSeconds(1));
        lock (_sync)
        {
            _recording = false;
            // Marks are written as they happen, the runtime's events later in batches: ordered by their times.
            foreach (var line in _lines.OrderBy(l => l.At))
            {
                log.WriteLine(line.Text);
            }
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        var name = e.EventName;
        if (name is null || e.Payload is null || e.PayloadNames is null)
        {
            return;
        }

        lock (_sync)
        {
            var time = e.TimeStamp.Kind == DateTimeKind.Local ? e.TimeStamp.ToUniversalTime() : e.TimeStamp;
            if (!_recording || time < _origin)
            {
                return;
            }

            var at = (time - _origin).TotalMilliseconds;
            switch (name)
            {
                case "GCStart_V2":
                    _open[U(e, "Count")] = (time, string.Create(CultureInfo.InvariantCulture, $"gc #{U(e, "Count")} at {at:0} ms: gen{U(e, "Depth")} {Reason(U(e, "Reason"))} {Kind(U(e, "Type"))}"));
                    break;
                case "GCEnd_V1":
                    if (_open.Remove(U(e, "Count"), out var open))
                    {
                        _lines.Add((time, string.Create(CultureInfo.InvariantCulture, $"{open.Text}, {(time - open.At).TotalMilliseconds:0.0} ms start to end")));
                    }

                    break;
                case "GCHeapStats_V2":
                    var sizes = $"gen0 {Mb(e, "GenerationSize0")} gen1 {Mb(e, "GenerationSize1")} gen2 {Mb(e, "GenerationSize2")} LOH {Mb(e, "GenerationSize3")}";
                    var promoted = $"gen0 {Mb(e, "TotalPromotedSize0")} gen1 {Mb(e, "TotalPromotedSize1")} gen2 {Mb(e, "TotalPromotedSize2")} LOH {Mb(e, "TotalPromotedSize3")}";
                    _lines.Add((time, $"    after: {sizes} MB; promoted from {promoted} MB"));
                    break;
                case "GCSuspendEEBegin_V1":
                    _suspending = time;
                    break;
                case "GCSuspendEEEnd_V1":
                    _suspended = time;
                    break;
                case "GCRestartEEEnd_V1":
                    var pause = (time - _suspending).TotalMilliseconds;
                    if (pause >= 0.05)
                    {
                        _lines.Add((time, string.Create(CultureInfo.InvariantCulture, $"    pause {pause:0.0} ms (at {at:0} ms), of which {(_suspended - _suspending).TotalMilliseconds:0.0} ms stopping the threads")));
                    }

                    break;
                case "GCMarkWithType" when Convert.ToUInt64(e.Payload[e.PayloadNames.IndexOf("Bytes")], CultureInfo.InvariantCulture) >= 65536:
                    _lines.Add((time, string.Create(CultureInfo.InvariantCulture, $"    marked through {Root(U(e, "Type"))}: {Mb(e, "Bytes")} MB")));
                    break;
                case "GCAllocationTick_V4" when U(e, "AllocationKind") == 1:
                    _lines.Add((time, string.Create(CultureInfo.InvariantCulture, $"  LOH at {at:0} ms: {e.Payload[e.PayloadNames.IndexOf("TypeName")]} {Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("ObjectSize")], CultureInfo.InvariantCulture):N0} B")));
                    break;
                default:
                    break;
            }
        }
    }

    private static uint U(EventWrittenEventArgs e, string name) => Convert.ToUInt32(e.Payload![e.PayloadNames!.IndexOf(name)], CultureInfo.InvariantCulture);

    private static string Mb(EventWrittenEventArgs e, string name) =>
        (Convert.ToUInt64(e.Payload![e.PayloadNames!.IndexOf(name)], CultureInfo.InvariantCulture) / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Reason(uint reason) => reason switch
    {
        0 => "AllocSmall",
        1 => "Induced",
        2 => "LowMemory",
        3 => "Empty",
        4 => "AllocLarge",
        5 => "OutOfSpaceSOH",
        6 => "OutOfSpaceLOH",
        7 => "InducedNotForced",
        8 => "Internal",
        9 => "InducedLowMemory",
        10 => "InducedCompacting",
        11 => "LowMemoryHost",
        12 => "PMFullGC",
        13 => "LowMemoryHostBlocking",
        _ => "reason " + reason.ToString(CultureInfo.InvariantCulture),
    };

    private static string Root(uint type) => type switch
    {
        0 => "stacks",
        1 => "finalization queue",
        2 => "handles",
        3 => "older generations (cards)",
        4 => "sized refs",
        5 => "overflow",
        6 => "dependent handles",
        7 => "new finalizable",
        _ => "root " + type.ToString(CultureInfo.InvariantCulture),
    };

    private static string Kind(uint type) => type switch
    {
        0 => "blocking",
        1 => "background",
        2 => "foreground (blocking, during a background one)",
        _ => "type " + type.ToString(CultureInfo.InvariantCulture),
    };
}

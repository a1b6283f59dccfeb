namespace AgentManager.Workflows;

/// <summary>The time limits of the attempts in flight, kept by the engine loop with one timer from the engine's
/// <see cref="TimeProvider"/> armed for the earliest deadline (instead of a timer per attempt step).</summary>
/// <remarks>
/// <para>Only the loop calls this; the timer posts <see cref="AttemptDeadlinesDueCommand"/> and the loop calls
/// <see cref="TakeDue"/>. Entries of attempts that moved on are dropped lazily, and all of them at once when they
/// outnumber the live ones.</para>
/// <para>An agent's limit counts from when the worker calls the agent, which the loop does not see: its entry is
/// due at the launch plus the limit, which is never later than the real deadline, and is moved to the real one
/// when it falls due early.</para>
/// </remarks>
internal sealed class AttemptDeadlines(TimeProvider time, Action onDue) : IDisposable
{
    private static readonly TimeSpan LongestWait = TimeSpan.FromHours(1);
    private readonly PriorityQueue<Entry, long> _queue = new();
    private readonly List<(Entry, long)> _kept = [];
    private ITimer? _timer;
    private long _armedFor = long.MaxValue;

    /// <summary>Adds the deadline of an attempt's step, <paramref name="limit"/> after <paramref name="startedAt"/>
    /// (a timestamp of the engine's <see cref="TimeProvider"/>).</summary>
    public void Add(AttemptRun attempt, AttemptStep step, long startedAt, TimeSpan limit, int liveAttempts)
    {
        if (_queue.Count > (2 * liveAttempts) + 64)
        {
            DropStale();
        }

        var due = DueAt(startedAt, limit);
        _queue.Enqueue(new Entry(attempt, step, limit), due);
        if (due < _armedFor)
        {
            Arm(due, time.GetTimestamp());
        }
    }

    /// <summary>Adds to <paramref name="due"/> the attempts whose current step's deadline has passed, and declares
    /// it passed on each (<see cref="AttemptRun.TryTimeOut"/>); then arms the timer for the next deadline.</summary>
    public void TakeDue(List<AttemptRun> due)
    {
        _armedFor = long.MaxValue;
        var now = time.GetTimestamp();
        while (_queue.TryPeek(out var entry, out var at) && at <= now)
        {
            _queue.Dequeue();
            if (entry.Attempt.Step != entry.Step)
            {
                continue;
            }

            if (entry.Step == AttemptStep.Agent)
            {
                var realDue = DueAt(entry.Attempt.AgentStartedAt ?? now, entry.Limit);
                if (realDue > now)
                {
                    _queue.Enqueue(entry, realDue);
                    continue;
                }
            }

            if (entry.Attempt.TryTimeOut(entry.Step))
            {
                due.Add(entry.Attempt);
            }
        }

        if (_queue.TryPeek(out _, out var next))
        {
            Arm(next, now);
        }
    }

    public void Dispose() => _timer?.Dispose();

    private long DueAt(long startedAt, TimeSpan limit)
    {
        var ticks = (Int128)limit.Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond;
        var due = startedAt + ticks;
        return due >= long.MaxValue ? long.MaxValue : (long)due;
    }

    private void Arm(long due, long now)
    {
        if (due == long.MaxValue)
        {
            return;
        }

        // Round up, so that the timer never fires before the deadline; a wait longer than an hour is cut short
        // and the timer re-armed when it fires.
        var frequency = time.TimestampFrequency;
        var ticks = due <= now ? 0 : (((Int128)(due - now) * TimeSpan.TicksPerSecond) + frequency - 1) / frequency;
        var wait = ticks > LongestWait.Ticks ? LongestWait : TimeSpan.FromTicks((long)ticks);
        _timer ??= time.CreateTimer(static state => ((Action)state!)(), onDue, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _armedFor = due;
        _timer.Change(wait, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Drops the entries of attempts that moved on. The loop calls it when a workflow finishes: an entry holds
    /// its attempt, and through it the whole finished run, until its deadline would have passed.</summary>
    public void DropStale()
    {
        _kept.Clear();
        foreach (var (entry, at) in _queue.UnorderedItems)
        {
            if (entry.Attempt.Step == entry.Step)
            {
                _kept.Add((entry, at));
            }
        }

        _queue.Clear();
        _queue.EnqueueRange(_kept);
        _kept.Clear();
    }

    private readonly record struct Entry(AttemptRun Attempt, AttemptStep Step, TimeSpan Limit);
}

/// <summary>The attempt deadlines' timer fired: the loop looks for passed deadlines. It carries nothing, so one
/// instance serves every post.</summary>
internal sealed class AttemptDeadlinesDueCommand : IEngineCommand
{
    public static AttemptDeadlinesDueCommand Instance { get; } = new();
}

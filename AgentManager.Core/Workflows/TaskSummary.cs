using AgentManager.Execution;
using AgentManager.Lifecycle;

namespace AgentManager.Workflows;

/// <summary>Where one task of a workflow stands.</summary>
/// <remarks>A summary is made per task on every read of a workflow's summary, so it is kept small: its times compact (see
/// <c>CompactTime</c>), its state and level in a byte each, and what few tasks have (another agent, a human deadline) in
/// an object of its own made only for a task that has one: 80 bytes for most tasks instead of 96 (136 with whole
/// times).</remarks>
public sealed class TaskSummary
{
    private const byte Started = 1, Finished = 2, Deadline = 4;

    private long _startedTicks;
    private long _finishedTicks;
    private Rare? _rare;
    private short _startedOffset;
    private short _finishedOffset;
    private byte _timesSet;
    private readonly byte _state;
    private readonly byte _level = (byte)RepairLevel.Retry;

    /// <summary>Gets the task id.</summary>
    public required string TaskId { get; init; }

    /// <summary>Gets the task's state.</summary>
    public required TaskState State { get => (TaskState)_state; init => _state = OneByte((int)value, nameof(State)); }

    /// <summary>Gets how many attempts were started.</summary>
    public required int Attempts { get; init; }

    /// <summary>Gets when the first attempt started, if one did.</summary>
    public DateTimeOffset? StartedAt
    {
        get => CompactTime.Get(_timesSet, Started, _startedTicks, _startedOffset);
        init => CompactTime.Put(ref _timesSet, Started, ref _startedTicks, ref _startedOffset, value);
    }

    /// <summary>Gets when the task reached a final state, if it did.</summary>
    public DateTimeOffset? FinishedAt
    {
        get => CompactTime.Get(_timesSet, Finished, _finishedTicks, _finishedOffset);
        init => CompactTime.Put(ref _timesSet, Finished, ref _finishedTicks, ref _finishedOffset, value);
    }

    /// <summary>Gets the time from the first start to the end, or zero.</summary>
    public TimeSpan Duration => StartedAt is { } start && FinishedAt is { } end ? end - start : TimeSpan.Zero;

    /// <summary>Gets the last error: a failed attempt's message, or why the task was cancelled.</summary>
    public string? LastError { get; init; }

    /// <summary>Gets the rung of the repair ladder the task is on.</summary>
    public RepairLevel Level { get => (RepairLevel)_level; init => _level = OneByte((int)value, nameof(Level)); }

    /// <summary>Gets the agent that took the task over on <see cref="Level"/> (repair or escalation agent), or
    /// <see langword="null"/> while its own agent runs it.</summary>
    public string? CurrentAgentId
    {
        get => _rare?.CurrentAgentId;
        init
        {
            if (value is not null || _rare is not null)
            {
                (_rare ??= new Rare()).CurrentAgentId = value;
            }
        }
    }

    /// <summary>Gets when the human deadline of the blocked task passes, if it has one.</summary>
    public DateTimeOffset? DeadlineAt
    {
        get => _rare is { } rare ? CompactTime.Get(_timesSet, Deadline, rare.DeadlineTicks, rare.DeadlineOffset) : null;
        init
        {
            if (value is not null || _rare is not null)
            {
                var rare = _rare ??= new Rare();
                CompactTime.Put(ref _timesSet, Deadline, ref rare.DeadlineTicks, ref rare.DeadlineOffset, value);
            }
        }
    }

    /// <summary>Gets what the task's attempts consumed, as their agents reported it.</summary>
    public AgentUsage Usage { get; init; } = AgentUsage.Zero;

    private static byte OneByte(int value, string name) => value is >= 0 and <= byte.MaxValue
        ? (byte)value
        : throw new ArgumentOutOfRangeException(name, value, $"A task summary's {name} is one of the enum's values (0 to 255); {value} is not.");

    /// <summary>What few tasks have (a repair or escalation agent, a human deadline): kept apart so that the summaries of the others are smaller.</summary>
    private sealed class Rare
    {
        public string? CurrentAgentId;
        public long DeadlineTicks;
        public short DeadlineOffset;
    }
}

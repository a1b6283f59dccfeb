using AgentManager.Execution;
using AgentManager.Lifecycle;

namespace AgentManager.Workflows;

/// <summary>Where one task of a workflow stands.</summary>
/// <remarks>A summary is made per task on every read of a workflow's summary, so its times are kept compact (see
/// <c>CompactTime</c>): 96 bytes instead of 136.</remarks>
public sealed class TaskSummary
{
    private const byte Started = 1, Finished = 2, Deadline = 4;

    private long _startedTicks;
    private long _finishedTicks;
    private long _deadlineTicks;
    private short _startedOffset;
    private short _finishedOffset;
    private short _deadlineOffset;
    private byte _timesSet;

    /// <summary>Gets the task id.</summary>
    public required string TaskId { get; init; }

    /// <summary>Gets the task's state.</summary>
    public required TaskState State { get; init; }

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
    public RepairLevel Level { get; init; } = RepairLevel.Retry;

    /// <summary>Gets the agent that took the task over on <see cref="Level"/> (repair or escalation agent), or
    /// <see langword="null"/> while its own agent runs it.</summary>
    public string? CurrentAgentId { get; init; }

    /// <summary>Gets when the human deadline of the blocked task passes, if it has one.</summary>
    public DateTimeOffset? DeadlineAt
    {
        get => CompactTime.Get(_timesSet, Deadline, _deadlineTicks, _deadlineOffset);
        init => CompactTime.Put(ref _timesSet, Deadline, ref _deadlineTicks, ref _deadlineOffset, value);
    }

    /// <summary>Gets what the task's attempts consumed, as their agents reported it.</summary>
    public AgentUsage Usage { get; init; } = AgentUsage.Zero;
}

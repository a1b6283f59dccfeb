using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Workflows;

namespace AgentManager.Persistence;

/// <summary>The stored state of a task.</summary>
/// <remarks>The engine makes a record per task when it creates a workflow and when a turn changes more tasks than it
/// sends as changes (a large start), so its times are kept compact (UTC ticks and offset minutes, a bit for each that
/// is set): 192 bytes instead of 240. Equality is what the positional fields gave: the times compare as
/// <see cref="DateTimeOffset"/> values do (the same instant).</remarks>
public sealed record TaskRecord : ITaskRecordSource
{
    private const byte Started = 1, Finished = 2, Deadline = 4, LeaseExpiry = 8;

    private long _startedTicks;
    private long _finishedTicks;
    private long _deadlineTicks;
    private long _leaseExpiresTicks;
    private short _startedOffset;
    private short _finishedOffset;
    private short _deadlineOffset;
    private short _leaseExpiresOffset;
    private byte _timesSet;

    /// <summary>Gets the workflow the task belongs to.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Gets the task id.</summary>
    public required string TaskId { get; init; }

    /// <summary>Gets the position of the task in its workflow definition.</summary>
    public required int Ordinal { get; init; }

    /// <summary>Gets the title.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the state.</summary>
    public required TaskState State { get; init; }

    /// <summary>Gets how many attempts were started.</summary>
    public int Attempt { get; init; }

    /// <summary>Gets the priority.</summary>
    public int Priority { get; init; }

    /// <summary>Gets the agent id.</summary>
    public string? AgentId { get; init; }

    /// <summary>Gets the ids of the tasks it depends on.</summary>
    public IReadOnlyList<string> Dependencies { get; init; } = [];

    /// <summary>Gets the resource keys it holds while running.</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];

    /// <summary>Gets its absolute working directory.</summary>
    public string? Workdir { get; init; }

    /// <summary>Gets the last error.</summary>
    public string? LastError { get; init; }

    /// <summary>Gets the tail of the last agent output.</summary>
    public string? LastOutput { get; init; }

    /// <summary>Gets when the first attempt started.</summary>
    public DateTimeOffset? StartedAt
    {
        get => CompactTime.Get(_timesSet, Started, _startedTicks, _startedOffset);
        init => CompactTime.Put(ref _timesSet, Started, ref _startedTicks, ref _startedOffset, value);
    }

    /// <summary>Gets when the task reached a final state.</summary>
    public DateTimeOffset? FinishedAt
    {
        get => CompactTime.Get(_timesSet, Finished, _finishedTicks, _finishedOffset);
        init => CompactTime.Put(ref _timesSet, Finished, ref _finishedTicks, ref _finishedOffset, value);
    }

    /// <summary>Gets the rung of the repair ladder the task is on; a resumed workflow continues there.</summary>
    public RepairLevel Level { get; init; } = RepairLevel.Retry;

    /// <summary>Gets how many attempts were started on <see cref="Level"/>.</summary>
    public int LevelAttempts { get; init; }

    /// <summary>Gets the agent that runs the task's attempts on <see cref="Level"/> when it is not the task's own
    /// <see cref="AgentId"/> (the repair or escalation agent); <see langword="null"/> otherwise.</summary>
    public string? CurrentAgentId { get; init; }

    /// <summary>Gets when the human deadline of a task blocked for a human passes; <see langword="null"/> when it
    /// has none or is not blocked.</summary>
    public DateTimeOffset? DeadlineAt
    {
        get => CompactTime.Get(_timesSet, Deadline, _deadlineTicks, _deadlineOffset);
        init => CompactTime.Put(ref _timesSet, Deadline, ref _deadlineTicks, ref _deadlineOffset, value);
    }

    /// <summary>Gets what the task's attempts consumed, as their agents reported it.</summary>
    public AgentUsage Usage { get; init; } = AgentUsage.Zero;

    /// <summary>Gets the engine that runs the task's current attempt; <see langword="null"/> while no attempt runs.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>Gets when the lease of the running attempt expires unless its engine renews it.</summary>
    public DateTimeOffset? LeaseExpiresAt
    {
        get => CompactTime.Get(_timesSet, LeaseExpiry, _leaseExpiresTicks, _leaseExpiresOffset);
        init => CompactTime.Put(ref _timesSet, LeaseExpiry, ref _leaseExpiresTicks, ref _leaseExpiresOffset, value);
    }

    /// <summary>Gets the fencing token of the workflow lease the running attempt was dispatched under; 0 when none.</summary>
    public long FencingToken { get; init; }

    TaskRecord ITaskRecordSource.ToRecord() => this;

    /// <summary>Gets whether <paramref name="other"/> holds the same values (lists by reference, as before).</summary>
    /// <param name="other">The record to compare with.</param>
    /// <returns><see langword="true"/> when every property is equal.</returns>
    public bool Equals(TaskRecord? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (string.Equals(WorkflowId, other.WorkflowId, StringComparison.Ordinal)
                && string.Equals(TaskId, other.TaskId, StringComparison.Ordinal)
                && Ordinal == other.Ordinal
                && string.Equals(Title, other.Title, StringComparison.Ordinal)
                && State == other.State
                && Attempt == other.Attempt
                && Priority == other.Priority
                && string.Equals(AgentId, other.AgentId, StringComparison.Ordinal)
                && ReferenceEquals(Dependencies, other.Dependencies)
                && ReferenceEquals(Resources, other.Resources)
                && string.Equals(Workdir, other.Workdir, StringComparison.Ordinal)
                && string.Equals(LastError, other.LastError, StringComparison.Ordinal)
                && string.Equals(LastOutput, other.LastOutput, StringComparison.Ordinal)
                && StartedAt == other.StartedAt
                && FinishedAt == other.FinishedAt
                && Level == other.Level
                && LevelAttempts == other.LevelAttempts
                && string.Equals(CurrentAgentId, other.CurrentAgentId, StringComparison.Ordinal)
                && DeadlineAt == other.DeadlineAt
                && Equals(Usage, other.Usage)
                && string.Equals(LeaseOwner, other.LeaseOwner, StringComparison.Ordinal)
                && LeaseExpiresAt == other.LeaseExpiresAt
                && FencingToken == other.FencingToken));

    /// <summary>Gets a hash code consistent with <see cref="Equals(TaskRecord?)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(WorkflowId, StringComparer.Ordinal);
        hash.Add(TaskId, StringComparer.Ordinal);
        hash.Add(Ordinal);
        hash.Add(State);
        hash.Add(Attempt);
        hash.Add(StartedAt);
        hash.Add(FinishedAt);
        hash.Add(Level);
        hash.Add(LevelAttempts);
        hash.Add(DeadlineAt);
        hash.Add(Usage);
        hash.Add(LeaseExpiresAt);
        hash.Add(FencingToken);
        return hash.ToHashCode();
    }
}

using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Workflows;

namespace AgentManager.Persistence;

/// <summary>A task as the in-memory store keeps it: one mutable row in its workflow's <see cref="InMemoryTaskRows"/>,
/// which a <see cref="TaskStateChange"/> changes in place; a <see cref="TaskRecord"/> is made only when the task is
/// read.</summary>
/// <remarks>Times are kept as UTC ticks and an offset in minutes (<see cref="CompactTime"/>: 10 bytes, where a
/// <see cref="Nullable{T}"/> takes 24) with a bit per time that says whether it is set: a store keeps a row per task
/// until purge. A row is a value kept in segments rather than an object: a large workflow's rows are then a few hundred
/// arrays for each collection to mark and move, not an object per task. Change it through a reference
/// (<see cref="InMemoryTaskRows.this"/>), never a copy.</remarks>
internal struct InMemoryTaskRow
{
    private const byte Started = 1, Finished = 2, Deadline = 4, LeaseExpiry = 8;

    private string _taskId;
    private int _ordinal;
    private string? _title;
    private int _priority;
    private string? _agentId;
    private IReadOnlyList<string> _dependencies;
    private IReadOnlyList<string> _resources;
    private string? _workdir;
    private TaskState _state;
    private int _attempt;
    private string? _lastError;
    private string? _lastOutput;
    private byte _timesSet;
    private long _startedTicks;
    private long _finishedTicks;
    private long _deadlineTicks;
    private long _leaseExpiresTicks;
    private short _startedOffset;
    private short _finishedOffset;
    private short _deadlineOffset;
    private short _leaseExpiresOffset;
    private RepairLevel _level;
    private int _levelAttempts;
    private string? _currentAgentId;
    private AgentUsage _usage;

    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseExpiresAt
    {
        readonly get => Get(_leaseExpiresTicks, _leaseExpiresOffset, LeaseExpiry);
        set => CompactTime.Put(ref _timesSet, LeaseExpiry, ref _leaseExpiresTicks, ref _leaseExpiresOffset, value);
    }

    public long FencingToken { get; private set; }

    /// <summary>Replaces every field with the record's.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // every commit; inlines the record's accessors
    public void Set(TaskRecord record)
    {
        (_taskId, _ordinal, _title, _priority, _agentId, _dependencies, _resources, _workdir) =
            (record.TaskId, record.Ordinal, record.Title, record.Priority, record.AgentId, record.Dependencies, record.Resources, record.Workdir);
        (_state, _attempt, _lastError, _lastOutput) = (record.State, record.Attempt, record.LastError, record.LastOutput);
        (_level, _levelAttempts, _currentAgentId, _usage) = (record.Level, record.LevelAttempts, record.CurrentAgentId, record.Usage);
        (LeaseOwner, FencingToken) = (record.LeaseOwner, record.FencingToken);
        SetTimes(record.StartedAt, record.FinishedAt, record.DeadlineAt, record.LeaseExpiresAt);
    }

    /// <summary>Replaces the fields a change carries.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // every commit; inlines the record's accessors
    public void Apply(in TaskStateChange change)
    {
        (_state, _attempt, _lastError, _lastOutput) = (change.State, change.Attempt, change.LastError, change.LastOutput);
        (_level, _levelAttempts, _currentAgentId, _usage) = (change.Level, change.LevelAttempts, change.CurrentAgentId, change.Usage ?? AgentUsage.Zero);
        (LeaseOwner, FencingToken) = (change.LeaseOwner, change.FencingToken);
        SetTimes(change.StartedAt, change.FinishedAt, change.DeadlineAt, change.LeaseExpiresAt);
    }

    public readonly int Ordinal => _ordinal;

    public readonly string TaskId => _taskId;

    public readonly TaskRecord ToRecord(string workflowId) => new()
    {
        WorkflowId = workflowId,
        TaskId = _taskId,
        Ordinal = _ordinal,
        Title = _title,
        State = _state,
        Attempt = _attempt,
        Priority = _priority,
        AgentId = _agentId,
        Dependencies = _dependencies,
        Resources = _resources,
        Workdir = _workdir,
        LastError = _lastError,
        LastOutput = _lastOutput,
        StartedAt = Get(_startedTicks, _startedOffset, Started),
        FinishedAt = Get(_finishedTicks, _finishedOffset, Finished),
        Level = _level,
        LevelAttempts = _levelAttempts,
        CurrentAgentId = _currentAgentId,
        DeadlineAt = Get(_deadlineTicks, _deadlineOffset, Deadline),
        Usage = _usage,
        LeaseOwner = LeaseOwner,
        LeaseExpiresAt = LeaseExpiresAt,
        FencingToken = FencingToken,
    };

    /// <summary>The task's summary: what <see cref="ToRecord"/> would give a summary, without the record.</summary>
    public readonly TaskSummary ToSummary() => new()
    {
        TaskId = _taskId,
        State = _state,
        Attempts = _attempt,
        StartedAt = Get(_startedTicks, _startedOffset, Started),
        FinishedAt = Get(_finishedTicks, _finishedOffset, Finished),
        LastError = _lastError,
        Level = _level,
        CurrentAgentId = _currentAgentId,
        DeadlineAt = Get(_deadlineTicks, _deadlineOffset, Deadline),
        Usage = _usage,
    };

    private void SetTimes(DateTimeOffset? startedAt, DateTimeOffset? finishedAt, DateTimeOffset? deadlineAt, DateTimeOffset? leaseExpiresAt)
    {
        CompactTime.Put(ref _timesSet, Started, ref _startedTicks, ref _startedOffset, startedAt);
        CompactTime.Put(ref _timesSet, Finished, ref _finishedTicks, ref _finishedOffset, finishedAt);
        CompactTime.Put(ref _timesSet, Deadline, ref _deadlineTicks, ref _deadlineOffset, deadlineAt);
        CompactTime.Put(ref _timesSet, LeaseExpiry, ref _leaseExpiresTicks, ref _leaseExpiresOffset, leaseExpiresAt);
    }

    private readonly DateTimeOffset? Get(long ticks, short offset, byte bit) => CompactTime.Get(_timesSet, bit, ticks, offset);
}

using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Workflows;

namespace AgentManager.Persistence;

/// <summary>A task as the in-memory store keeps it: one mutable row in its workflow's <see cref="InMemoryTaskRows"/>,
/// which a <see cref="TaskStateChange"/> changes in place; a <see cref="TaskRecord"/> is made only when the task is
/// read.</summary>
/// <remarks>Times are kept as UTC ticks and an offset in minutes (<see cref="CompactTime"/>: 10 bytes, where a
/// <see cref="Nullable{T}"/> takes 24) with a bit per time that says whether it is set: a store keeps a row per task
/// until purge. The agent, resources and working directory, which the tasks of a workflow usually share, are one
/// <see cref="Shared"/> object, and the lease (owner, expiry, fencing token), the same for all the tasks an engine runs
/// at a time, one <see cref="Lease"/> object (none while a task has no lease and token); rows set one after another
/// share these objects when their values are the same (the last one made for the workflow's rows, kept in its
/// <see cref="Sharing"/>, is reused): 128 bytes a row instead of 168.
/// A row is a value kept in segments rather than an object: a large workflow's rows are then a few hundred
/// arrays for each collection to mark and move, not an object per task. Change it through a reference
/// (<see cref="InMemoryTaskRows.this"/>), never a copy.</remarks>
internal struct InMemoryTaskRow
{
    private const byte Started = 1, Finished = 2, Deadline = 4;

    private string _taskId;
    private int _ordinal;
    private string? _title;
    private int _priority;
    private Shared? _shared;
    private IReadOnlyList<string> _dependencies;
    private TaskState _state;
    private int _attempt;
    private string? _lastError;
    private string? _lastOutput;
    private byte _timesSet;
    private long _startedTicks;
    private long _finishedTicks;
    private long _deadlineTicks;
    private short _startedOffset;
    private short _finishedOffset;
    private short _deadlineOffset;
    private RepairLevel _level;
    private int _levelAttempts;
    private string? _currentAgentId;
    private AgentUsage _usage;
    private Lease? _lease;

    public readonly TaskState State => _state;

    public readonly string? LeaseOwner => _lease?.Owner;

    public readonly DateTimeOffset? LeaseExpiresAt => _lease?.ExpiresAt;

    public readonly long FencingToken => _lease?.Token ?? 0;

    /// <summary>Gives the task another lease owner and expiry, its fencing token kept.</summary>
    public void SetLease(string? owner, DateTimeOffset? expiresAt, Sharing sharing) =>
        _lease = Lease.Of(owner, expiresAt, FencingToken, _lease, sharing);

    /// <summary>Replaces every field with a whole record's values: a <see cref="TaskRecord"/>, or the engine's task read
    /// where its values are kept, without a record made.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // every new task of the engine
    public void Set(ITaskRecordSource record, Sharing sharing)
    {
        (_taskId, _ordinal, _title, _priority, _dependencies) = (record.TaskId, record.Ordinal, record.Title, record.Priority, record.Dependencies);
        _shared = Shared.Of(record.AgentId, record.Resources, record.Workdir, _shared, sharing);
        (_state, _attempt, _lastError, _lastOutput) = (record.State, record.Attempt, record.LastError, record.LastOutput);
        (_level, _levelAttempts, _currentAgentId, _usage) = (record.Level, record.LevelAttempts, record.CurrentAgentId, record.Usage);
        _lease = Lease.Of(record.LeaseOwner, record.LeaseExpiresAt, record.FencingToken, _lease, sharing);
        SetTimes(record.StartedAt, record.FinishedAt, record.DeadlineAt);
    }

    /// <summary>Replaces the fields a change carries.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // every commit; inlines the record's accessors
    public void Apply(in TaskStateChange change, Sharing sharing)
    {
        (_state, _attempt, _lastError, _lastOutput) = (change.State, change.Attempt, change.LastError, change.LastOutput);
        (_level, _levelAttempts, _currentAgentId, _usage) = (change.Level, change.LevelAttempts, change.CurrentAgentId, change.Usage ?? AgentUsage.Zero);
        _lease = Lease.Of(change.LeaseOwner, change.LeaseExpiresAt, change.FencingToken, _lease, sharing);
        SetTimes(change.StartedAt, change.FinishedAt, change.DeadlineAt);
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
        AgentId = _shared?.AgentId,
        Dependencies = _dependencies,
        Resources = _shared?.Resources ?? [],
        Workdir = _shared?.Workdir,
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

    private void SetTimes(DateTimeOffset? startedAt, DateTimeOffset? finishedAt, DateTimeOffset? deadlineAt)
    {
        CompactTime.Put(ref _timesSet, Started, ref _startedTicks, ref _startedOffset, startedAt);
        CompactTime.Put(ref _timesSet, Finished, ref _finishedTicks, ref _finishedOffset, finishedAt);
        CompactTime.Put(ref _timesSet, Deadline, ref _deadlineTicks, ref _deadlineOffset, deadlineAt);
    }

    private readonly DateTimeOffset? Get(long ticks, short offset, byte bit) => CompactTime.Get(_timesSet, bit, ticks, offset);
    /// <summary>A task's agent, resources and working directory: set with its first record and, in a workflow, usually
    /// the same as the task's before it. Immutable, so rows of any store may share one.</summary>
    internal sealed class Shared(string? agentId, IReadOnlyList<string> resources, string? workdir)
    {
        public string? AgentId { get; } = agentId;

        public IReadOnlyList<string> Resources { get; } = resources;

        public string? Workdir { get; } = workdir;

        /// <summary>The row's current one, or else the last one made, when either has these values (the same string and
        /// list instances, which a workflow's records share); else a new one.</summary>
        public static Shared Of(string? agentId, IReadOnlyList<string> resources, string? workdir, Shared? current, Sharing sharing)
        {
            if (current is not null && current.Is(agentId, resources, workdir))
            {
                return current;
            }

            var last = sharing.LastShared;
            if (last is not null && last.Is(agentId, resources, workdir))
            {
                return last;
            }

            return sharing.LastShared = new Shared(agentId, resources, workdir);
        }

        private bool Is(string? agentId, IReadOnlyList<string> resources, string? workdir) =>
            ReferenceEquals(AgentId, agentId) && ReferenceEquals(Resources, resources) && ReferenceEquals(Workdir, workdir);
    }

    /// <summary>A lease as tasks carry it: owner, expiry and fencing token. Immutable, so rows of any store may share
    /// one.</summary>
    internal sealed class Lease
    {
        private readonly long _expiresTicks;
        private readonly short _expiresOffset;
        private readonly bool _expires;

        private Lease(string? owner, DateTimeOffset? expiresAt, long token)
        {
            Owner = owner;
            (_expiresTicks, _expiresOffset) = CompactTime.Split(expiresAt);
            _expires = expiresAt.HasValue;
            Token = token;
        }

        public string? Owner { get; }

        public DateTimeOffset? ExpiresAt => _expires ? CompactTime.Join(_expiresTicks, _expiresOffset) : null;

        public long Token { get; }

        /// <summary>None for no owner, expiry or token; else the row's current one or the last one made when either has
        /// these values; else a new one.</summary>
        public static Lease? Of(string? owner, DateTimeOffset? expiresAt, long token, Lease? current, Sharing sharing)
        {
            if (owner is null && expiresAt is null && token == 0)
            {
                return null;
            }

            if (current is not null && current.Is(owner, expiresAt, token))
            {
                return current;
            }

            var last = sharing.LastLease;
            if (last is not null && last.Is(owner, expiresAt, token))
            {
                return last;
            }

            return sharing.LastLease = new Lease(owner, expiresAt, token);
        }

        private bool Is(string? owner, DateTimeOffset? expiresAt, long token)
        {
            var (ticks, offset) = CompactTime.Split(expiresAt);
            return Token == token && _expires == expiresAt.HasValue && _expiresTicks == ticks && _expiresOffset == offset
                && string.Equals(Owner, owner, StringComparison.Ordinal);
        }
    }

    /// <summary>The last <see cref="Shared"/> and <see cref="Lease"/> made for a workflow's rows, which the next row set
    /// with the same values reuses.</summary>
    internal sealed class Sharing
    {
        public Shared? LastShared { get; set; }

        public Lease? LastLease { get; set; }
    }
}

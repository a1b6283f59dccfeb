using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;

namespace AgentManager.Workflows;

/// <summary>The engine's live view of one task: its compiled definition and its mutable state.</summary>
/// <remarks>Owned by the engine loop; workers only read the immutable part.</remarks>
internal sealed class TaskRuntime : ITaskRecordSource
{
    private const byte Started = 1, Finished = 2;

    // What most tasks never use (a ladder past L1, a budget, a human deadline, a retry timer) lives in a side object made
    // when first set to something, what tasks of a workflow usually share (agent, prompt, limits, policy) in a
    // TaskProfile, and the times in CompactTime parts: a workflow keeps a TaskRuntime per task until it finishes.
    private RareState? _rare;
    private long _startedTicks;
    private long _finishedTicks;
    private short _startedOffset;
    private short _finishedOffset;
    private byte _timesSet;

    public required WorkflowRun Run { get; init; }

    /// <summary>Gets the task's position among the workflow's tasks, which is also its index in the workflow's graph (the
    /// compiler loads the graph in that order).</summary>
    public required int Ordinal { get; init; }

    /// <summary>Gets the task's index in the workflow's graph: its <see cref="Ordinal"/>.</summary>
    public int Index => Ordinal;

    public required string Id { get; init; }

    public string? Title { get; init; }

    /// <summary>Gets the settings the task may share with other tasks of its workflow.</summary>
    public required TaskProfile Profile { get; init; }

    public string Prompt => Profile.Prompt;

    public required int Priority { get; init; }

    public string AgentId => Profile.AgentId;

    public IAgentRunner Runner => Profile.Runner;

    public required IReadOnlyList<string> Dependencies { get; init; }

    public string[] Resources => Profile.Resources;

    public string? Workdir => Profile.Workdir;

    public int MaxAttempts => Profile.MaxAttempts;

    public TimeSpan Timeout => Profile.Timeout;

    public IVerifier? Verifier => Profile.Verifier;

    public IReadOnlyList<string> Artifacts => Profile.Artifacts;

    public IReadOnlyDictionary<string, string> Metadata => Profile.Metadata;

    /// <summary>Gets the task's copy of its repair policy (shared with the tasks that use the same one).</summary>
    public RepairPolicy Repair => Profile.Repair;

    /// <summary>Gets the runner of the L2 agent, when L2 is on.</summary>
    public IAgentRunner? RepairRunner => Profile.RepairRunner;

    /// <summary>Gets the runner of the L3 agent, when L3 is on.</summary>
    public IAgentRunner? EscalationRunner => Profile.EscalationRunner;

    /// <summary>Gets the task's own copy of its budget, if it has one.</summary>
    public UsageBudget? Budget
    {
        get => _rare?.Budget;
        init => RareWhen(value is not null)?.Budget = value;
    }

    /// <summary>Gets or sets what the task's attempts consumed.</summary>
    public AgentUsage Usage { get; set; } = AgentUsage.Zero;

    /// <summary>Gets or sets when the human deadline of the blocked task passes.</summary>
    public DateTimeOffset? DeadlineAt
    {
        get => _rare?.DeadlineAt;
        set => RareWhen(value is not null)?.DeadlineAt = value;
    }

    public ITimer? DeadlineTimer
    {
        get => _rare?.DeadlineTimer;
        set => RareWhen(value is not null)?.DeadlineTimer = value;
    }

    /// <summary>Gets or sets whether a passed deadline already retried the task, so that it is not armed again.</summary>
    public bool DeadlineRetried
    {
        get => _rare?.DeadlineRetried ?? false;
        set => RareWhen(value)?.DeadlineRetried = value;
    }

    /// <summary>Gets or sets whether a human granted the next attempt, which then starts even over a spent budget.</summary>
    public bool GrantedByHuman
    {
        get => _rare?.GrantedByHuman ?? false;
        set => RareWhen(value)?.GrantedByHuman = value;
    }

    /// <summary>Gets or sets the rung of the repair ladder the task is on.</summary>
    public RepairLevel Level { get; set; } = RepairLevel.Retry;

    /// <summary>Gets or sets how many attempts were started on the current level.</summary>
    public int LevelAttempts { get; set; }

    /// <summary>Gets or sets the agent that runs the next attempt when it is not the task's own (L2, L3).</summary>
    public string? CurrentAgentId
    {
        get => _rare?.CurrentAgentId;
        set => RareWhen(value is not null)?.CurrentAgentId = value;
    }

    /// <summary>Gets or sets the runner of <see cref="CurrentAgentId"/>.</summary>
    public IAgentRunner? CurrentRunner
    {
        get => _rare?.CurrentRunner;
        set => RareWhen(value is not null)?.CurrentRunner = value;
    }

    /// <summary>Gets the agent of the attempt being started or run.</summary>
    public string AttemptAgentId => CurrentAgentId ?? AgentId;

    /// <summary>Gets the runner of the attempt being started or run; it changes only between attempts.</summary>
    public IAgentRunner AttemptRunner => CurrentRunner ?? Runner;

    public TaskState State { get; set; } = TaskState.Pending;

    public int Attempt { get; set; }

    /// <summary>Gets or sets whether a worker is running an attempt (it may still be, after a cancel).</summary>
    public bool InFlight { get; set; }

    public string[] HeldResources { get; set; } = [];

    public string? LastError { get; set; }

    public string? LastOutput { get; set; }

    public DateTimeOffset? StartedAt
    {
        get => CompactTime.Get(_timesSet, Started, _startedTicks, _startedOffset);
        set => CompactTime.Put(ref _timesSet, Started, ref _startedTicks, ref _startedOffset, value);
    }

    public DateTimeOffset? FinishedAt
    {
        get => CompactTime.Get(_timesSet, Finished, _finishedTicks, _finishedOffset);
        set => CompactTime.Put(ref _timesSet, Finished, ref _finishedTicks, ref _finishedOffset, value);
    }

    public long AttemptStartedTimestamp { get; set; }

    public ITimer? RetryTimer
    {
        get => _rare?.RetryTimer;
        set => RareWhen(value is not null)?.RetryTimer = value;
    }

    /// <summary>Gets or sets the attempt in flight, from dispatch until the loop handles its end.</summary>
    public AttemptRun? CurrentAttempt { get; set; }

    public bool Dirty { get; set; }

    /// <summary>Gets or sets whether the task's whole record went into a commit, so that later ones carry only a
    /// <see cref="TaskStateChange"/>.</summary>
    public bool Recorded { get; set; }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // every turn; inlines the record's accessors
    public TaskStateChange ToChange()
    {
        var running = IsRunning ? Run.Lease : null;
        return new()
        {
            WorkflowId = Run.Id,
            TaskId = Id,
            Ordinal = Ordinal,
            State = State,
            Attempt = Attempt,
            LastError = LastError,
            LastOutput = LastOutput,
            StartedAt = StartedAt,
            FinishedAt = FinishedAt,
            Level = Level,
            LevelAttempts = LevelAttempts,
            CurrentAgentId = CurrentAgentId,
            DeadlineAt = DeadlineAt,
            Usage = Usage,
            LeaseOwner = running?.Owner,
            LeaseExpiresAt = running?.ExpiresAt,
            FencingToken = running?.Token ?? 0,
        };
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // every turn; inlines the record's accessors
    public TaskRecord ToRecord() => new()
    {
        WorkflowId = Run.Id,
        TaskId = Id,
        Ordinal = Ordinal,
        Title = Title,
        State = State,
        Attempt = Attempt,
        Priority = Priority,
        AgentId = AgentId,
        Dependencies = Dependencies,
        Resources = Resources,
        Workdir = Workdir,
        LastError = LastError,
        LastOutput = LastOutput,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
        Level = Level,
        LevelAttempts = LevelAttempts,
        CurrentAgentId = CurrentAgentId,
        DeadlineAt = DeadlineAt,
        Usage = Usage,
        LeaseOwner = IsRunning ? Run.Lease?.Owner : null,
        LeaseExpiresAt = IsRunning ? Run.Lease?.ExpiresAt : null,
        FencingToken = IsRunning ? Run.Lease?.Token ?? 0 : 0,
    };

    string ITaskRecordSource.WorkflowId => Run.Id;

    string ITaskRecordSource.TaskId => Id;

    IReadOnlyList<string> ITaskRecordSource.Resources => Resources;

    string? ITaskRecordSource.LeaseOwner => IsRunning ? Run.Lease?.Owner : null;

    DateTimeOffset? ITaskRecordSource.LeaseExpiresAt => IsRunning ? Run.Lease?.ExpiresAt : null;

    long ITaskRecordSource.FencingToken => IsRunning ? Run.Lease?.Token ?? 0 : 0;

    /// <summary>Gets whether an attempt runs, so that the task record carries the lease it runs under.</summary>
    private bool IsRunning => State is TaskState.Implementing or TaskState.Verifying;

    /// <summary>The metadata handed to the agent: the task's, plus the ladder level past L1 so that a repair or
    /// escalation agent knows it is taking over (<c>repair_level</c>, <c>task_agent_id</c>).</summary>
    public IReadOnlyDictionary<string, string> AttemptMetadata()
    {
        if (Level == RepairLevel.Retry)
        {
            return Metadata;
        }

        return new Dictionary<string, string>(Metadata, StringComparer.Ordinal)
        {
            [RepairLevelKey] = Level.ToWireName(),
            [TaskAgentKey] = AgentId,
        };
    }

    /// <summary>The metadata key naming the repair level of an attempt past L1.</summary>
    public const string RepairLevelKey = "repair_level";

    /// <summary>The metadata key naming the task's own agent, on attempts past L1.</summary>
    public const string TaskAgentKey = "task_agent_id";

    /// <summary>The side object to write a rare field to: made when the value is not the default, else the one there
    /// is (a default written to a task without one changes nothing).</summary>
    private RareState? RareWhen(bool notDefault) => notDefault ? _rare ??= new RareState() : _rare;

    private sealed class RareState
    {
        public UsageBudget? Budget { get; set; }

        public DateTimeOffset? DeadlineAt { get; set; }

        public ITimer? DeadlineTimer { get; set; }

        public bool DeadlineRetried { get; set; }

        public bool GrantedByHuman { get; set; }

        public string? CurrentAgentId { get; set; }

        public IAgentRunner? CurrentRunner { get; set; }

        public ITimer? RetryTimer { get; set; }
    }
}

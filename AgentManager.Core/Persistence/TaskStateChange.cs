using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Workflows;

namespace AgentManager.Persistence;

/// <summary>A change of a stored task: the fields of its <see cref="TaskRecord"/> that move while it runs, with their new
/// values. The fields a task is created with (ordinal, title, priority, agent, dependencies, resources, working
/// directory) never change after its first record, so a change leaves them as stored.</summary>
/// <remarks>The engine commits a task's first record (when it creates or resumes a workflow) in
/// <see cref="StateChanges.Tasks"/> and later ones as changes in <see cref="StateChanges.TaskChanges"/>, which are
/// smaller to build and to store (a commit that changes more than a thousand tasks at once, such as the start of a
/// large workflow, may send whole records for the rest). Every field of a change replaces the stored one (a change is not a delta): a
/// store holding whole records applies it with <see cref="ApplyTo"/>.</remarks>
public readonly record struct TaskStateChange
{
    /// <summary>Gets the workflow the task belongs to.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Gets the task id.</summary>
    public required string TaskId { get; init; }

    /// <summary>Gets the task's ordinal, as in its first record: where a store may look for the task first (checked
    /// against <see cref="TaskId"/>, which alone names the task). A change never changes the stored ordinal, and a
    /// wrong or missing one (0) only costs a look-up by id.</summary>
    public int Ordinal { get; init; }

    /// <summary>Gets the state.</summary>
    public required TaskState State { get; init; }

    /// <summary>Gets how many attempts were started.</summary>
    public int Attempt { get; init; }

    /// <summary>Gets the last error.</summary>
    public string? LastError { get; init; }

    /// <summary>Gets the tail of the last agent output.</summary>
    public string? LastOutput { get; init; }

    /// <summary>Gets when the first attempt started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when the task reached a final state.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Gets the rung of the repair ladder the task is on.</summary>
    public required RepairLevel Level { get; init; }

    /// <summary>Gets how many attempts were started on <see cref="Level"/>.</summary>
    public int LevelAttempts { get; init; }

    /// <summary>Gets the agent that runs the task's attempts on <see cref="Level"/> when it is not the task's own.</summary>
    public string? CurrentAgentId { get; init; }

    /// <summary>Gets when the human deadline of a task blocked for a human passes.</summary>
    public DateTimeOffset? DeadlineAt { get; init; }

    /// <summary>Gets what the task's attempts consumed; <see langword="null"/> reads as <see cref="AgentUsage.Zero"/>.</summary>
    public AgentUsage? Usage { get; init; }

    /// <summary>Gets the engine that runs the task's current attempt; <see langword="null"/> while no attempt runs.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>Gets when the lease of the running attempt expires unless its engine renews it.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>Gets the fencing token of the workflow lease the running attempt was dispatched under; 0 when none.</summary>
    public long FencingToken { get; init; }

    /// <summary>Makes the change that brings a stored task to <paramref name="record"/>'s changing fields.</summary>
    /// <param name="record">The task's new record.</param>
    /// <returns>The change.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    public static TaskStateChange Of(TaskRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new()
        {
            WorkflowId = record.WorkflowId,
            TaskId = record.TaskId,
            Ordinal = record.Ordinal,
            State = record.State,
            Attempt = record.Attempt,
            LastError = record.LastError,
            LastOutput = record.LastOutput,
            StartedAt = record.StartedAt,
            FinishedAt = record.FinishedAt,
            Level = record.Level,
            LevelAttempts = record.LevelAttempts,
            CurrentAgentId = record.CurrentAgentId,
            DeadlineAt = record.DeadlineAt,
            Usage = record.Usage,
            LeaseOwner = record.LeaseOwner,
            LeaseExpiresAt = record.LeaseExpiresAt,
            FencingToken = record.FencingToken,
        };
    }

    /// <summary>Applies the change to a stored record of the same task.</summary>
    /// <param name="record">The stored record.</param>
    /// <returns>A copy of <paramref name="record"/> with this change's fields.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="record"/> is another task's, or this change names no task.</exception>
    public TaskRecord ApplyTo(TaskRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ThrowIfUnnamed(nameof(record));
        if (!string.Equals(record.WorkflowId, WorkflowId, StringComparison.Ordinal) || !string.Equals(record.TaskId, TaskId, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The change of task '{TaskId}' of workflow '{WorkflowId}' applies only to that task's record, not to task '{record.TaskId}' of workflow '{record.WorkflowId}'.",
                nameof(record));
        }

        return record with
        {
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
            Usage = Usage ?? AgentUsage.Zero,
            LeaseOwner = LeaseOwner,
            LeaseExpiresAt = LeaseExpiresAt,
            FencingToken = FencingToken,
        };
    }

    /// <summary>Throws when the change names no task, as <c>default(TaskStateChange)</c> does.</summary>
    internal void ThrowIfUnnamed(string paramName) => StateStoreChecks.ThrowIfUnnamed(this, paramName);
}

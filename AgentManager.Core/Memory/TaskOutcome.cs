using AgentManager.Lifecycle;
using AgentManager.Persistence;

namespace AgentManager.Memory;

/// <summary>How a task ended: what <see cref="ITaskHistory"/> keeps and what <see cref="TaskOutcomeMemory"/>
/// turns into a memory. Immutable.</summary>
public sealed class TaskOutcome
{
    private readonly string workflowId = "";
    private readonly string taskId = "";
    private readonly string agentId = "";
    private readonly int attempts;
    private readonly bool? repaired;

    /// <summary>Gets the workflow id.</summary>
    /// <exception cref="ArgumentException">Set to a value that is not a valid id (see <see cref="Ids"/>).</exception>
    public required string WorkflowId
    {
        get => workflowId;
        init
        {
            Ids.ThrowIfInvalid(value, nameof(WorkflowId));
            workflowId = value;
        }
    }

    /// <summary>Gets the task id.</summary>
    /// <exception cref="ArgumentException">Set to a value that is not a valid id.</exception>
    public required string TaskId
    {
        get => taskId;
        init
        {
            Ids.ThrowIfInvalid(value, nameof(TaskId));
            taskId = value;
        }
    }

    /// <summary>Gets the id of the agent that ran the task.</summary>
    /// <exception cref="ArgumentException">Set to a value that is not a valid id.</exception>
    public required string AgentId
    {
        get => agentId;
        init
        {
            Ids.ThrowIfInvalid(value, nameof(AgentId));
            agentId = value;
        }
    }

    /// <summary>Gets the task's title, if it has one.</summary>
    public string? Title { get; init; }

    /// <summary>Gets what the task asked for, if known.</summary>
    public string? Prompt { get; init; }

    /// <summary>Gets the state the task ended in, normally <see cref="TaskState.Completed"/>,
    /// <see cref="TaskState.Failed"/> or <see cref="TaskState.Cancelled"/>.</summary>
    public required TaskState Status { get; init; }

    /// <summary>Gets how many attempts were started.</summary>
    /// <value>The default is 0.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative number.</exception>
    public int Attempts
    {
        get => attempts;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(Attempts));
            attempts = value;
        }
    }

    /// <summary>Gets the tail of the agent's last output (its summary of the work), if any.</summary>
    public string? Output { get; init; }

    /// <summary>Gets the error: why the task failed or was cancelled or, for a task completed after a
    /// failed attempt, the error that the later attempt overcame.</summary>
    public string? Error { get; init; }

    /// <summary>Gets whether a repair worked: the task completed after at least one failed attempt.</summary>
    /// <value>Unless set, <see langword="true"/> when <see cref="Status"/> is <see cref="TaskState.Completed"/>
    /// and <see cref="Attempts"/> is more than 1.</value>
    public bool Repaired
    {
        get => repaired ?? (Status == TaskState.Completed && Attempts > 1);
        init => repaired = value;
    }

    /// <summary>Gets when the first attempt started, if one did.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when the task ended; history queries filter and order by it.</summary>
    public required DateTimeOffset FinishedAt { get; init; }

    /// <summary>Makes the outcome of a task from its stored record.</summary>
    /// <param name="record">The record of a task that has ended (it has a <see cref="TaskRecord.FinishedAt"/>).</param>
    /// <param name="prompt">What the task asked for, which the record does not hold; <see langword="null"/> when unknown.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentException">The task has not ended or has no agent.</exception>
    public static TaskOutcome FromRecord(TaskRecord record, string? prompt = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.FinishedAt is not { } finishedAt)
        {
            throw new ArgumentException($"Task '{record.TaskId}' of workflow '{record.WorkflowId}' is {record.State.ToWireName()} and has not ended; only ended tasks have an outcome.", nameof(record));
        }

        if (record.AgentId is null)
        {
            throw new ArgumentException($"Task '{record.TaskId}' of workflow '{record.WorkflowId}' names no agent.", nameof(record));
        }

        return new TaskOutcome
        {
            WorkflowId = record.WorkflowId,
            TaskId = record.TaskId,
            AgentId = record.AgentId,
            Title = record.Title,
            Prompt = prompt,
            Status = record.State,
            Attempts = record.Attempt,
            Output = record.LastOutput,
            Error = record.LastError,
            StartedAt = record.StartedAt,
            FinishedAt = finishedAt,
        };
    }

    /// <inheritdoc/>
    public override string ToString() => $"{WorkflowId}/{TaskId}: {Status.ToWireName()} after {Attempts} attempt(s)";
}

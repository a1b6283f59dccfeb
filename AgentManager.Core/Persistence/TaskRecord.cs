using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Workflows;

namespace AgentManager.Persistence;

/// <summary>The stored state of a task.</summary>
public sealed record TaskRecord
{
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
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when the task reached a final state.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Gets the rung of the repair ladder the task is on; a resumed workflow continues there.</summary>
    public RepairLevel Level { get; init; } = RepairLevel.Retry;

    /// <summary>Gets how many attempts were started on <see cref="Level"/>.</summary>
    public int LevelAttempts { get; init; }

    /// <summary>Gets the agent that runs the task's attempts on <see cref="Level"/> when it is not the task's own
    /// <see cref="AgentId"/> (the repair or escalation agent); <see langword="null"/> otherwise.</summary>
    public string? CurrentAgentId { get; init; }

    /// <summary>Gets when the human deadline of a task blocked for a human passes; <see langword="null"/> when it
    /// has none or is not blocked.</summary>
    public DateTimeOffset? DeadlineAt { get; init; }

    /// <summary>Gets what the task's attempts consumed, as their agents reported it.</summary>
    public AgentUsage Usage { get; init; } = AgentUsage.Zero;

    /// <summary>Gets the engine that runs the task's current attempt; <see langword="null"/> while no attempt runs.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>Gets when the lease of the running attempt expires unless its engine renews it.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>Gets the fencing token of the workflow lease the running attempt was dispatched under; 0 when none.</summary>
    public long FencingToken { get; init; }
}

using AgentManager.Execution;

namespace AgentManager.Workflows;

/// <summary>Counts, timings and task states of one workflow.</summary>
public sealed class WorkflowSummary
{
    /// <summary>Gets the workflow id.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Gets the workflow's name, if it has one.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the workflow's status.</summary>
    public required WorkflowStatus Status { get; init; }

    /// <summary>Gets why the workflow failed or was cancelled, if it did.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets when the workflow was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the workflow started, if it did.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when the workflow finished, if it did.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Gets the time from start to finish, or zero.</summary>
    public TimeSpan Duration => StartedAt is { } start && FinishedAt is { } end ? end - start : TimeSpan.Zero;

    /// <summary>Gets what all the workflow's attempts consumed, as their agents reported it.</summary>
    public AgentUsage Usage { get; init; } = AgentUsage.Zero;

    /// <summary>Gets every task's summary, in the order the tasks were defined.</summary>
    public required IReadOnlyList<TaskSummary> Tasks { get; init; }

    /// <summary>Gets how many tasks completed.</summary>
    public int Completed => Count(Lifecycle.TaskState.Completed);

    /// <summary>Gets how many tasks failed.</summary>
    public int Failed => Count(Lifecycle.TaskState.Failed);

    /// <summary>Gets how many tasks were cancelled.</summary>
    public int Cancelled => Count(Lifecycle.TaskState.Cancelled);

    /// <summary>Gets how many tasks are blocked and wait for a human (<c>blocked_hitl</c>); the workflow keeps
    /// running meanwhile.</summary>
    public int Blocked => Count(Lifecycle.TaskState.BlockedHitl);

    private int Count(Lifecycle.TaskState state)
    {
        var n = 0;
        foreach (var task in Tasks)
        {
            if (task.State == state)
            {
                n++;
            }
        }

        return n;
    }
}

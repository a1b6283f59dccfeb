using AgentManager.Lifecycle;

namespace AgentManager.Memory;

/// <summary>Which task outcomes <see cref="ITaskHistory.QueryAsync"/> returns: every condition set must hold.</summary>
public sealed class TaskHistoryQuery
{
    /// <summary>The default <see cref="Limit"/>.</summary>
    public const int DefaultLimit = 100;

    private readonly int limit = DefaultLimit;

    /// <summary>Gets the workflow, or <see langword="null"/> for any.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>Gets the task, or <see langword="null"/> for any.</summary>
    public string? TaskId { get; init; }

    /// <summary>Gets the agent, or <see langword="null"/> for any.</summary>
    public string? AgentId { get; init; }

    /// <summary>Gets the final state, or <see langword="null"/> for any.</summary>
    public TaskState? Status { get; init; }

    /// <summary>Gets the earliest <see cref="TaskOutcome.FinishedAt"/> included, or <see langword="null"/>.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Gets the <see cref="TaskOutcome.FinishedAt"/> before which outcomes are included (exclusive), or <see langword="null"/>.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Gets the most outcomes returned.</summary>
    /// <value>The default is <see cref="DefaultLimit"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int Limit
    {
        get => limit;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Limit));
            limit = value;
        }
    }

    internal bool Matches(TaskOutcome outcome) =>
        (WorkflowId is null || string.Equals(WorkflowId, outcome.WorkflowId, StringComparison.Ordinal))
        && (TaskId is null || string.Equals(TaskId, outcome.TaskId, StringComparison.Ordinal))
        && (AgentId is null || string.Equals(AgentId, outcome.AgentId, StringComparison.Ordinal))
        && (Status is null || Status == outcome.Status)
        && (From is null || outcome.FinishedAt >= From)
        && (To is null || outcome.FinishedAt < To);
}

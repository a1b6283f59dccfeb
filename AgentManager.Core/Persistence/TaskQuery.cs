using AgentManager.Lifecycle;

namespace AgentManager.Persistence;

/// <summary>Which tasks <see cref="IStateStore.QueryTasksAsync"/> returns: those of some workflows, optionally only in
/// some states, and a page of them, grouped by workflow in the order of <see cref="WorkflowIds"/> and in ordinal order
/// within each.</summary>
public sealed class TaskQuery
{
    /// <summary>Gets the workflows whose tasks are read; an id the store does not know, or given twice, adds nothing.</summary>
    public required IReadOnlyCollection<string> WorkflowIds { get; init; }

    /// <summary>Gets the states a task must be in.</summary>
    /// <value>The default, <see langword="null"/>, matches every state; an empty collection matches none.</value>
    public IReadOnlyCollection<TaskState>? States { get; init; }

    /// <summary>Gets how many matching tasks to skip.</summary>
    /// <value>The default, 0, starts at the first.</value>
    public int Offset { get; init; }

    /// <summary>Gets how many tasks to return at most; 0 returns none, only the count of those that match.</summary>
    /// <value>The default, <see langword="null"/>, returns every matching task past <see cref="Offset"/>.</value>
    public int? Limit { get; init; }

    /// <summary>Throws when the query is malformed. Stores call it before they read, so that every store refuses the
    /// same queries.</summary>
    /// <exception cref="ArgumentNullException"><see cref="WorkflowIds"/> is null or holds a null id.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Offset"/> or <see cref="Limit"/> is negative, or
    /// <see cref="States"/> holds a value <see cref="TaskState"/> does not define.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(WorkflowIds);
        if (WorkflowIds.Any(id => id is null))
        {
            throw new ArgumentNullException(nameof(WorkflowIds), "A task query's workflow ids must not be null.");
        }

        StateStoreChecks.ThrowIfInvalidPage(Offset, Limit, "A task query");

        foreach (var state in States ?? [])
        {
            if (!Enum.IsDefined(state))
            {
                throw new ArgumentOutOfRangeException(nameof(States), state, $"Task state {(int)state} is not defined.");
            }
        }
    }

    /// <summary>Tells whether a task passes the state filter.</summary>
    internal bool Matches(TaskState state) => States is null || States.Contains(state);

    /// <summary>The workflow ids without repeats, in their first order.</summary>
    internal string[] DistinctWorkflowIds() => [.. WorkflowIds.Distinct(StringComparer.Ordinal)];

    /// <summary>Applies the page to the matching tasks, in the query's order.</summary>
    internal TaskPage Page(IReadOnlyCollection<TaskRecord> matching) =>
        new([.. matching.Skip(Offset).Take(Limit ?? int.MaxValue)], matching.Count);
}

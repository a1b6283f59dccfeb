using AgentManager.Workflows;

namespace AgentManager.Persistence;

/// <summary>Which workflows <see cref="IStateStore.QueryWorkflowsAsync"/> returns: a status filter and a page of the
/// matching workflows, oldest first.</summary>
public sealed class WorkflowQuery
{
    /// <summary>Gets the statuses a workflow must have.</summary>
    /// <value>The default, <see langword="null"/>, matches every status; an empty collection matches none.</value>
    public IReadOnlyCollection<WorkflowStatus>? Statuses { get; init; }

    /// <summary>Gets how many matching workflows to skip, oldest first.</summary>
    /// <value>The default, 0, starts at the oldest.</value>
    public int Offset { get; init; }

    /// <summary>Gets how many workflows to return at most; 0 returns none, only the count of those that match.</summary>
    /// <value>The default, <see langword="null"/>, returns every matching workflow past <see cref="Offset"/>.</value>
    public int? Limit { get; init; }

    /// <summary>Gets a query for the workflows that are not finished: created or running.</summary>
    public static WorkflowQuery Unfinished { get; } = new() { Statuses = Array.AsReadOnly([WorkflowStatus.Created, WorkflowStatus.Running]) };

    /// <summary>Throws when the query is malformed. Stores call it before they read, so that every store refuses the
    /// same queries.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Offset"/> or <see cref="Limit"/> is negative, or
    /// <see cref="Statuses"/> holds a value <see cref="WorkflowStatus"/> does not define.</exception>
    public void Validate()
    {
        StateStoreChecks.ThrowIfInvalidPage(Offset, Limit, "A workflow query");

        foreach (var status in Statuses ?? [])
        {
            if (!Enum.IsDefined(status))
            {
                throw new ArgumentOutOfRangeException(nameof(Statuses), status, $"Workflow status {(int)status} is not defined.");
            }
        }
    }

    /// <summary>Tells whether a workflow passes the status filter.</summary>
    internal bool Matches(WorkflowRecord workflow) => Statuses is null || Statuses.Contains(workflow.Status);

    /// <summary>Applies the page to the matching workflows, oldest first.</summary>
    internal WorkflowPage Page(IReadOnlyCollection<WorkflowRecord> matching) =>
        new([.. matching.Skip(Offset).Take(Limit ?? int.MaxValue)], matching.Count);

    /// <summary>The status filter's wire names, without duplicates, for a store that filters in SQL.</summary>
    internal string[]? StatusNames() => Statuses?.Select(s => s.ToWireName()).Distinct(StringComparer.Ordinal).ToArray();
}

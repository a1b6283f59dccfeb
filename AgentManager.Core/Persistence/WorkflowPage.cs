namespace AgentManager.Persistence;

/// <summary>A page of workflows read by <see cref="IStateStore.QueryWorkflowsAsync"/>.</summary>
/// <param name="Workflows">The page's workflows, oldest first.</param>
/// <param name="Total">How many workflows match the query's filter, on every page.</param>
public sealed record WorkflowPage(IReadOnlyList<WorkflowRecord> Workflows, int Total);

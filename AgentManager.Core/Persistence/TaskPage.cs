namespace AgentManager.Persistence;

/// <summary>A page of tasks read by <see cref="IStateStore.QueryTasksAsync"/>.</summary>
/// <param name="Tasks">The page's tasks, grouped by workflow in the query's order, in ordinal order within each.</param>
/// <param name="Total">How many tasks match the query's filter, on every page.</param>
public sealed record TaskPage(IReadOnlyList<TaskRecord> Tasks, int Total);

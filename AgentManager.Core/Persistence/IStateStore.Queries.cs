using AgentManager.Lifecycle;

namespace AgentManager.Persistence;

/// <summary>Reads that a store answers without handing over every workflow or task it keeps: pages of workflows, task
/// counts and pages of tasks filtered by state.</summary>
public partial interface IStateStore
{
    /// <summary>Reads a page of the workflows that pass the query's status filter, oldest first (the order of
    /// <see cref="ListWorkflowsAsync"/>), and how many pass it in all.</summary>
    /// <remarks>The SQLite and PostgreSQL stores filter and page in SQL, through an index on the status, so that a
    /// page of unfinished workflows costs the same however many finished ones the store keeps. The default
    /// implementation, for other stores, filters <see cref="ListWorkflowsAsync"/>. The page and its total are two
    /// reads: a workflow committed between them may be counted and not listed, or listed and not counted.</remarks>
    /// <param name="query">The filter and the page.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The query is malformed (see <see cref="WorkflowQuery.Validate"/>).</exception>
    async Task<WorkflowPage> QueryWorkflowsAsync(WorkflowQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var workflows = await ListWorkflowsAsync(cancellationToken).ConfigureAwait(false);
        return query.Page([.. workflows.Where(query.Matches)]);
    }

    /// <summary>Counts the tasks of each of the given workflows by state.</summary>
    /// <remarks>The SQLite and PostgreSQL stores count in SQL and return one row per workflow and state, not the
    /// tasks. The default implementation, for other stores, reads each workflow's tasks with
    /// <see cref="GetTasksAsync"/>.</remarks>
    /// <param name="workflowIds">The workflows; an id the store does not know, or given twice, adds nothing. <see langword="null"/>
    /// counts every workflow the store keeps.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One count per workflow and state that has tasks, in no particular order.</returns>
    async Task<IReadOnlyList<TaskStateCount>> CountTasksAsync(IReadOnlyCollection<string>? workflowIds, CancellationToken cancellationToken)
    {
        IEnumerable<string> ids = workflowIds ?? (await ListWorkflowsAsync(cancellationToken).ConfigureAwait(false)).Select(w => w.WorkflowId);
        var counts = new List<TaskStateCount>();
        foreach (var workflowId in ids.Distinct(StringComparer.Ordinal))
        {
            var tasks = await GetTasksAsync(workflowId, cancellationToken).ConfigureAwait(false);
            counts.AddRange(tasks.CountBy(t => t.State).Select(c => new TaskStateCount(workflowId, c.Key, c.Value)));
        }

        return counts;
    }

    /// <summary>Reads a page of the tasks of the given workflows that pass the query's state filter, for example those
    /// blocked for a human (<see cref="TaskState.BlockedHitl"/>) or the failed tasks of one workflow, and how many
    /// pass it in all.</summary>
    /// <remarks>The SQLite and PostgreSQL stores filter and page in SQL, so only the page's tasks are read. The default
    /// implementation, for other stores, filters <see cref="GetTasksAsync"/> of each workflow. The page and its total
    /// are read apart: a task that changes state between them may be counted and not listed, or listed and not
    /// counted.</remarks>
    /// <param name="query">The workflows, the state filter and the page.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page: its tasks grouped by workflow in the order of <see cref="TaskQuery.WorkflowIds"/>, in
    /// ordinal order within each.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> or its workflow ids are null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The query is malformed (see <see cref="TaskQuery.Validate"/>).</exception>
    async Task<TaskPage> QueryTasksAsync(TaskQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var matching = new List<TaskRecord>();
        foreach (var workflowId in query.DistinctWorkflowIds())
        {
            matching.AddRange((await GetTasksAsync(workflowId, cancellationToken).ConfigureAwait(false)).Where(t => query.Matches(t.State)));
        }

        return query.Page(matching);
    }
}

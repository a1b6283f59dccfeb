using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;

namespace AgentManager.Storage.Postgres;

internal sealed partial class PostgresStateStore
{
    public async Task<WorkflowPage> QueryWorkflowsAsync(WorkflowQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var names = query.Statuses?.Select(s => s.ToWireName()).Distinct(StringComparer.Ordinal).ToArray();
        var where = names is null ? string.Empty : " WHERE status = ANY($1)";
        object?[] filter = names is null ? [] : [names];
        var workflows = query.Limit == 0
            ? []
            : await QueryAsync(
                _workflowSelect + where + $" ORDER BY seq OFFSET ${filter.Length + 1}" + (query.Limit is null ? string.Empty : $" LIMIT ${filter.Length + 2}"),
                PostgresRows.Workflow,
                cancellationToken,
                [.. filter, query.Offset, .. query.Limit is { } limit ? new object?[] { limit } : []]).ConfigureAwait(false);
        var total = await QueryAsync(database.Sql("SELECT count(*) FROM {schema}.workflows" + where), r => r.GetInt64(0), cancellationToken, filter).ConfigureAwait(false);
        return new WorkflowPage(workflows, checked((int)total[0]));
    }

    public async Task<IReadOnlyList<TaskStateCount>> CountTasksAsync(IReadOnlyCollection<string>? workflowIds, CancellationToken cancellationToken)
    {
        static TaskStateCount Read(Npgsql.NpgsqlDataReader r) => new(r.GetString(0), PostgresRows.State(r.GetString(1)), checked((int)r.GetInt64(2)));
        const string Group = " GROUP BY workflow_id, state";
        var select = database.Sql("SELECT workflow_id, state, count(*) FROM {schema}.tasks");
        if (workflowIds is null)
        {
            return await QueryAsync(select + Group, Read, cancellationToken).ConfigureAwait(false);
        }

        return workflowIds.Count == 0
            ? []
            : await QueryAsync(select + " WHERE workflow_id = ANY($1)" + Group, Read, cancellationToken, (object)workflowIds.Distinct(StringComparer.Ordinal).ToArray()).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TaskRecord>> GetTasksInStateAsync(IReadOnlyCollection<string> workflowIds, TaskState state, CancellationToken cancellationToken)
    {
        StateStoreChecks.ThrowIfInvalidTaskQuery(workflowIds, state);
        if (workflowIds.Count == 0)
        {
            return [];
        }

        return await QueryAsync(
            _taskSelect + " WHERE workflow_id = ANY($1) AND state = $2 ORDER BY array_position($1, workflow_id), ordinal",
            PostgresRows.Task,
            cancellationToken,
            workflowIds.Distinct(StringComparer.Ordinal).ToArray(),
            state.ToWireName()).ConfigureAwait(false);
    }
}

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

    public async Task<TaskPage> QueryTasksAsync(TaskQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        string[] ids = [.. query.WorkflowIds.Distinct(StringComparer.Ordinal)];
        if (ids.Length == 0)
        {
            return new TaskPage([], 0);
        }

        var states = query.States?.Select(s => s.ToWireName()).Distinct(StringComparer.Ordinal).ToArray();
        var where = " WHERE workflow_id = ANY($1)" + (states is null ? string.Empty : " AND state = ANY($2)");
        object?[] filter = states is null ? [ids] : [ids, states];
        var tasks = query.Limit == 0
            ? []
            : await QueryAsync(
                _taskSelect + where + $" ORDER BY array_position($1, workflow_id), ordinal OFFSET ${filter.Length + 1}" + (query.Limit is null ? string.Empty : $" LIMIT ${filter.Length + 2}"),
                PostgresRows.Task,
                cancellationToken,
                [.. filter, query.Offset, .. query.Limit is { } limit ? new object?[] { limit } : []]).ConfigureAwait(false);
        var total = await QueryAsync(database.Sql("SELECT count(*) FROM {schema}.tasks" + where), r => r.GetInt64(0), cancellationToken, filter).ConfigureAwait(false);
        return new TaskPage(tasks, checked((int)total[0]));
    }
}

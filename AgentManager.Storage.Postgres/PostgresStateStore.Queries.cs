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
        var (workflows, total) = await PageAsync(_workflowSelect, "workflows", where, "seq", filter, query.Offset, query.Limit, PostgresRows.Workflow, cancellationToken).ConfigureAwait(false);
        return new WorkflowPage(workflows, total);
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
        var (tasks, total) = await PageAsync(_taskSelect, "tasks", where, "array_position($1, workflow_id), ordinal", filter, query.Offset, query.Limit, PostgresRows.Task, cancellationToken).ConfigureAwait(false);
        return new TaskPage(tasks, total);
    }

    /// <summary>Reads a page of the rows <paramref name="where"/> keeps (none when the limit is 0), in the given order,
    /// and counts them all; the filter's values are <c>$1</c> on, the offset and limit follow them.</summary>
    private async Task<(List<T> Rows, int Total)> PageAsync<T>(
        string select, string table, string where, string orderBy, object?[] filter, int offset, int? limit, Func<Npgsql.NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = limit == 0
            ? []
            : await QueryAsync(
                select + where + $" ORDER BY {orderBy} OFFSET ${filter.Length + 1}" + (limit is null ? string.Empty : $" LIMIT ${filter.Length + 2}"),
                read,
                cancellationToken,
                [.. filter, offset, .. limit is { } some ? new object?[] { some } : []]).ConfigureAwait(false);
        var total = await QueryAsync(database.Sql($"SELECT count(*) FROM {{schema}}.{table}" + where), r => r.GetInt64(0), cancellationToken, filter).ConfigureAwait(false);
        return (rows, checked((int)total[0]));
    }
}

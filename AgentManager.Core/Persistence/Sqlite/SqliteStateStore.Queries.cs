using System.Text.Json;
using AgentManager.Lifecycle;

namespace AgentManager.Persistence.Sqlite;

internal sealed partial class SqliteStateStore
{
    public async Task<WorkflowPage> QueryWorkflowsAsync(WorkflowQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var names = query.StatusNames();
        var where = names is null ? string.Empty : " WHERE status IN (SELECT value FROM json_each($statuses))";
        (string, object)[] filter = names is null ? [] : [("$statuses", JsonSerializer.Serialize(names, SqliteJson.Default.StringArray))];
        var workflows = query.Limit == 0
            ? []
            : await QueryAsync(
                WorkflowSelect + where + " ORDER BY rowid LIMIT $limit OFFSET $offset",
                ReadWorkflow,
                cancellationToken,
                [.. filter, ("$limit", query.Limit ?? -1), ("$offset", query.Offset)]).ConfigureAwait(false);
        var total = await QueryAsync("SELECT count(*) FROM workflows" + where, r => r.GetInt32(0), cancellationToken, filter).ConfigureAwait(false);
        return new WorkflowPage(workflows, total[0]);
    }

    public async Task<IReadOnlyList<TaskStateCount>> CountTasksAsync(IReadOnlyCollection<string>? workflowIds, CancellationToken cancellationToken)
    {
        const string Select = "SELECT workflow_id, state, count(*) FROM tasks";
        const string Group = " GROUP BY workflow_id, state";
        static TaskStateCount Read(Microsoft.Data.Sqlite.SqliteDataReader r) => new(r.GetString(0), ParseState(r.GetString(1)), r.GetInt32(2));
        if (workflowIds is null)
        {
            return await QueryAsync(Select + Group, Read, cancellationToken).ConfigureAwait(false);
        }

        return workflowIds.Count == 0
            ? []
            : await QueryAsync(
                Select + " WHERE workflow_id IN (SELECT value FROM json_each($ids))" + Group,
                Read,
                cancellationToken,
                ("$ids", JsonSerializer.Serialize(workflowIds.Distinct(StringComparer.Ordinal).ToArray(), SqliteJson.Default.StringArray))).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TaskRecord>> GetTasksInStateAsync(IReadOnlyCollection<string> workflowIds, TaskState state, CancellationToken cancellationToken)
    {
        StateStoreChecks.ThrowIfInvalidTaskQuery(workflowIds, state);
        var tasks = new List<TaskRecord>();
        foreach (var workflowId in workflowIds.Distinct(StringComparer.Ordinal))
        {
            tasks.AddRange(await QueryTasksAsync(workflowId, null, state, cancellationToken).ConfigureAwait(false));
        }

        return tasks;
    }
}

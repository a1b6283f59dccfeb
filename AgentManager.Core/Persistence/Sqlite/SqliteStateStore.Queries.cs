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

    public async Task<TaskPage> QueryTasksAsync(TaskQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var states = query.States is null ? null : JsonSerializer.Serialize(query.States.Select(s => s.ToWireName()).Distinct(StringComparer.Ordinal).ToArray(), SqliteJson.Default.StringArray);
        var filter = states is null ? string.Empty : " AND state IN (SELECT value FROM json_each($states))";
        (string, object)[] stateValue = states is null ? [] : [("$states", states)];
        var tasks = new List<TaskRecord>();
        var total = 0;
        var skip = query.Offset;
        var take = query.Limit ?? int.MaxValue;
        foreach (var workflowId in query.DistinctWorkflowIds())
        {
            // One workflow at a time, in ordinal order. Without a page every match is read, and the rows read are the
            // count; with one, the count comes first and then the part of the page the workflow holds.
            if (query.Offset == 0 && query.Limit is null)
            {
                var all = await ReadPageAsync(workflowId, int.MaxValue, 0).ConfigureAwait(false);
                tasks.AddRange(all);
                total += all.Count;
                continue;
            }

            var count = (await QueryAsync("SELECT count(*) FROM tasks WHERE workflow_id = $id" + filter, r => r.GetInt32(0), cancellationToken, [("$id", workflowId), .. stateValue]).ConfigureAwait(false))[0];
            total += count;
            if (take > 0 && skip < count)
            {
                var page = await ReadPageAsync(workflowId, take, skip).ConfigureAwait(false);
                tasks.AddRange(page);
                take -= page.Count;
            }

            skip = Math.Max(0, skip - count);
        }

        return new TaskPage(tasks, total);

        Task<List<TaskRecord>> ReadPageAsync(string workflowId, int limit, int offset) => ReadTasksAsync(
            workflowId,
            (states is null ? string.Empty : " AND state IN (SELECT value FROM json_each(?4))") + " ORDER BY ordinal LIMIT ?2 OFFSET ?3",
            statement =>
            {
                statement.Int(2, limit).Int(3, offset);
                if (states is not null)
                {
                    statement.Text(4, states);
                }
            },
            cancellationToken);
    }
}

using System.Globalization;
using System.Text;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using Npgsql;

namespace AgentManager.Storage.Postgres;

/// <summary>An <see cref="EventLogQuery"/> as a parameterized SELECT on the events table, and the reading of its
/// rows.</summary>
internal static class PostgresEventLogSql
{
    public const string Columns = "id, workflow_id, type, task_id, reason, at_ticks, at_offset, correlation_id, from_state, to_state, trigger_name, actor, attempt";

    public static (string Sql, object?[] Parameters) Select(EventLogQuery query)
    {
        var parameters = new List<object?> { query.After };
        var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM {schema}.events WHERE id > $1");
        if (query.Before is { } before)
        {
            parameters.Add(before);
            sql.Append(" AND id < $").Append(parameters.Count);
        }

        if (query.Filter.WorkflowId is { } workflowId)
        {
            parameters.Add(workflowId);
            sql.Append(" AND workflow_id = $").Append(parameters.Count);
        }

        AppendTypes(sql, parameters, query.Filter.Types);
        parameters.Add(query.Limit);
        sql.Append(query.NewestFirst ? " ORDER BY id DESC" : " ORDER BY id").Append(" LIMIT $").Append(parameters.Count);
        return (sql.ToString(), parameters.ToArray());
    }

    public static EventLogEntry Read(NpgsqlDataReader r)
    {
        var workflowId = r.GetString(1);
        var taskId = r.IsDBNull(3) ? null : r.GetString(3);
        var reason = r.IsDBNull(4) ? null : r.GetString(4);
        var timestamp = PostgresTime.Read(r, 5)!.Value;
        TaskTransition? transition = null;
        if (taskId is not null && !r.IsDBNull(8)
            && TaskStateNames.TryParseState(r.GetString(8), out var from)
            && TaskStateNames.TryParseState(r.GetString(9), out var to)
            && TaskStateNames.TryParseTrigger(r.GetString(10), out var trigger))
        {
            transition = new TaskTransition(workflowId, taskId, from, to, trigger, reason, r.GetString(11), r.GetInt32(12), timestamp);
        }

        return new EventLogEntry
        {
            Sequence = r.GetInt64(0),
            WorkflowId = workflowId,
            Type = r.GetString(2),
            TaskId = taskId,
            Reason = reason,
            Timestamp = timestamp,
            CorrelationId = r.IsDBNull(7) ? null : r.GetString(7),
            Transition = transition,
        };
    }

    /// <summary>Type patterns become <c>type = $n</c> for exact names and <c>type LIKE $n</c> for prefixes, with
    /// LIKE's own wildcards escaped (event types contain underscores).</summary>
    private static void AppendTypes(StringBuilder sql, List<object?> parameters, IReadOnlyList<string> patterns)
    {
        if (patterns.Count == 0 || patterns.Contains("*", StringComparer.Ordinal))
        {
            return;
        }

        var terms = new List<string>();
        foreach (var pattern in patterns)
        {
            var prefix = pattern.EndsWith('*');
            parameters.Add(prefix ? EscapeLike(pattern[..^1]) + "%" : pattern);
            var name = "$" + parameters.Count.ToString(CultureInfo.InvariantCulture);
            terms.Add(prefix ? $"type LIKE {name}" : $"type = {name}");
        }

        sql.Append(" AND (").AppendJoin(" OR ", terms).Append(')');
    }

    // PostgreSQL's LIKE escapes with a backslash by default.
    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}

using System.Globalization;
using System.Text;
using AgentManager.Lifecycle;
using Microsoft.Data.Sqlite;

namespace AgentManager.Persistence.Sqlite;

/// <summary>The SQL of <see cref="SqliteStateStore.ReadEventsAsync"/>: an <see cref="EventLogQuery"/> as a
/// parameterized SELECT on the events table, and the reading of its rows.</summary>
internal static class EventLogSql
{
    private const string Columns = "id, workflow_id, type, task_id, reason, at_ticks, at_offset, correlation_id, from_state, to_state, trigger_name, actor, attempt";

    public static (string Sql, (string Name, object Value)[] Parameters) Select(EventLogQuery query)
    {
        var parameters = new List<(string, object)> { ("$after", query.After), ("$limit", query.Limit) };
        var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM events WHERE id > $after");
        if (query.Before is { } before)
        {
            sql.Append(" AND id < $before");
            parameters.Add(("$before", before));
        }

        if (query.Filter.WorkflowId is { } workflowId)
        {
            sql.Append(" AND workflow_id = $workflow");
            parameters.Add(("$workflow", workflowId));
        }

        AppendTypes(sql, parameters, query.Filter.Types);
        sql.Append(query.NewestFirst ? " ORDER BY id DESC" : " ORDER BY id").Append(" LIMIT $limit");
        return (sql.ToString(), parameters.ToArray());
    }

    public static EventLogEntry Read(SqliteDataReader r)
    {
        var workflowId = r.GetString(1);
        var taskId = r.IsDBNull(3) ? null : r.GetString(3);
        var reason = r.IsDBNull(4) ? null : r.GetString(4);
        var timestamp = SqliteTime.Read(r, 5)!.Value;
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

    /// <summary>Type patterns become <c>type IN (...)</c> for exact names and <c>type LIKE 'prefix%'</c> for
    /// prefixes, with LIKE's own wildcards escaped (event types contain underscores).</summary>
    private static void AppendTypes(StringBuilder sql, List<(string, object)> parameters, IReadOnlyList<string> patterns)
    {
        if (patterns.Count == 0 || patterns.Contains("*", StringComparer.Ordinal))
        {
            return;
        }

        var terms = new List<string>();
        for (var i = 0; i < patterns.Count; i++)
        {
            var name = "$type" + i.ToString(CultureInfo.InvariantCulture);
            var pattern = patterns[i];
            if (pattern.EndsWith('*'))
            {
                terms.Add($"type LIKE {name} ESCAPE '\\'");
                parameters.Add((name, EscapeLike(pattern[..^1]) + "%"));
            }
            else
            {
                terms.Add($"type = {name}");
                parameters.Add((name, pattern));
            }
        }

        sql.Append(" AND (").AppendJoin(" OR ", terms).Append(')');
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}

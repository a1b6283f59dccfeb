using System.Globalization;
using System.Text;

namespace AgentManager.Persistence.Sqlite;

/// <summary>The SQL of <see cref="SqliteStateStore.ReadEventsAsync"/>: an <see cref="EventLogQuery"/> as a
/// parameterized SELECT on the events table (its rows are read by <see cref="EventLogRows"/>).</summary>
internal static class EventLogSql
{
    public static (string Sql, (string Name, object Value)[] Parameters) Select(EventLogQuery query)
    {
        var parameters = new List<(string, object)> { ("$after", query.After), ("$limit", query.Limit) };
        var sql = new StringBuilder("SELECT ").Append(EventLogRows.Columns).Append(" FROM events WHERE id > $after");
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

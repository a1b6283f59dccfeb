using System.Globalization;
using System.Text;
using AgentManager.Persistence;

namespace AgentManager.Storage.Postgres;

/// <summary>An <see cref="EventLogQuery"/> as a parameterized SELECT on the events table (its rows are read by
/// <see cref="EventLogRows"/>).</summary>
internal static class PostgresEventLogSql
{
    public static (string Sql, object?[] Parameters) Select(EventLogQuery query)
    {
        var parameters = new List<object?> { query.After };
        var sql = new StringBuilder("SELECT ").Append(EventLogRows.Columns).Append(" FROM {schema}.events WHERE id > $1");
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

using System.Text;
using AgentManager.Lifecycle;
using AgentManager.Memory;
using Npgsql;
using static AgentManager.Storage.Postgres.PostgresCommands;

namespace AgentManager.Storage.Postgres;

/// <summary>The task history in the shared schema, indexed for queries by time and by agent. Recording is one
/// upsert on (workflow, task, attempts), so hosts that record the same outcome (a replay after a crash) store it
/// once.</summary>
internal sealed class PostgresTaskHistory(PostgresDatabase database) : ITaskHistory
{
    private const string Columns = "workflow_id, task_id, agent_id, title, prompt, status, attempts, repaired, output, error, started_ticks, started_offset, finished_ticks, finished_offset";

    private string UpsertSql => database.Sql($$"""
        INSERT INTO {schema}.task_history ({{Columns}})
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
        ON CONFLICT (workflow_id, task_id, attempts) DO UPDATE SET agent_id = excluded.agent_id, title = excluded.title,
            prompt = excluded.prompt, status = excluded.status, repaired = excluded.repaired, output = excluded.output,
            error = excluded.error, started_ticks = excluded.started_ticks, started_offset = excluded.started_offset,
            finished_ticks = excluded.finished_ticks, finished_offset = excluded.finished_offset
        """);

    public async Task RecordAsync(TaskOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        cancellationToken.ThrowIfCancellationRequested();
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(
                connection,
                UpsertSql,
                outcome.WorkflowId,
                outcome.TaskId,
                outcome.AgentId,
                outcome.Title,
                outcome.Prompt,
                outcome.Status.ToWireName(),
                outcome.Attempts,
                outcome.Repaired,
                outcome.Output,
                outcome.Error,
                PostgresTime.Ticks(outcome.StartedAt),
                PostgresTime.Offset(outcome.StartedAt),
                outcome.FinishedAt.UtcTicks,
                PostgresTime.Offset(outcome.FinishedAt));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<TaskOutcome>> QueryAsync(TaskHistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new StringBuilder($"SELECT {Columns} FROM {{schema}}.task_history");
        var parameters = new List<object?>();
        foreach (var (column, op, value) in TaskHistoryConditions.Of(query))
        {
            parameters.Add(value);
            sql.Append(parameters.Count == 1 ? " WHERE " : " AND ").Append(column).Append(op).Append('$').Append(parameters.Count);
        }

        parameters.Add(query.Limit);
        sql.Append(" ORDER BY finished_ticks DESC, seq DESC LIMIT $").Append(parameters.Count);
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, database.Sql(sql.ToString()), [.. parameters]);
            return await ReadAllAsync(command, Read, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<TaskOutcome>> DeleteWorkflowAsync(string workflowId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, database.Sql($"DELETE FROM {{schema}}.task_history WHERE workflow_id = $1 RETURNING {Columns}"), workflowId);
            return await ReadAllAsync(command, Read, cancellationToken).ConfigureAwait(false);
        }
    }

    private static TaskOutcome Read(NpgsqlDataReader r) => new()
    {
        WorkflowId = r.GetString(0),
        TaskId = r.GetString(1),
        AgentId = r.GetString(2),
        Title = r.IsDBNull(3) ? null : r.GetString(3),
        Prompt = r.IsDBNull(4) ? null : r.GetString(4),
        Status = TaskStateNames.TryParseState(r.GetString(5), out var state)
            ? state
            : throw new InvalidOperationException($"The PostgreSQL task history holds the task state '{r.GetString(5)}', which this version of AgentManager does not know."),
        Attempts = r.GetInt32(6),
        Repaired = r.GetBoolean(7),
        Output = r.IsDBNull(8) ? null : r.GetString(8),
        Error = r.IsDBNull(9) ? null : r.GetString(9),
        StartedAt = PostgresTime.Read(r, 10),
        FinishedAt = PostgresTime.Read(r, 12)!.Value,
    };
}

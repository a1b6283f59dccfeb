using System.Text;
using AgentManager.Lifecycle;
using AgentManager.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace AgentManager.Memory.Sqlite;

/// <summary>The task history in the memory database, indexed for queries by time and by agent.</summary>
internal sealed class SqliteTaskHistory(SqliteMemoryDatabase database) : ITaskHistory
{
    private const string UpsertSql = """
        INSERT INTO task_history (workflow_id, task_id, agent_id, title, prompt, status, attempts, repaired, output, error, started_ticks, started_offset, finished_ticks, finished_offset)
        VALUES ($workflow_id, $task_id, $agent_id, $title, $prompt, $status, $attempts, $repaired, $output, $error, $started_ticks, $started_offset, $finished_ticks, $finished_offset)
        ON CONFLICT (workflow_id, task_id, attempts) DO UPDATE SET agent_id = excluded.agent_id, title = excluded.title,
            prompt = excluded.prompt, status = excluded.status, repaired = excluded.repaired, output = excluded.output,
            error = excluded.error, started_ticks = excluded.started_ticks, started_offset = excluded.started_offset,
            finished_ticks = excluded.finished_ticks, finished_offset = excluded.finished_offset
        """;

    public async Task RecordAsync(TaskOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        await database.WriteAsync(
            writer => writer.Execute(
                UpsertSql,
                ("$workflow_id", outcome.WorkflowId),
                ("$task_id", outcome.TaskId),
                ("$agent_id", outcome.AgentId),
                ("$title", outcome.Title),
                ("$prompt", outcome.Prompt),
                ("$status", outcome.Status.ToWireName()),
                ("$attempts", outcome.Attempts),
                ("$repaired", outcome.Repaired ? 1 : 0),
                ("$output", outcome.Output),
                ("$error", outcome.Error),
                ("$started_ticks", outcome.StartedAt?.UtcTicks),
                ("$started_offset", outcome.StartedAt is { } started ? (int)started.Offset.TotalMinutes : null),
                ("$finished_ticks", outcome.FinishedAt.UtcTicks),
                ("$finished_offset", (int)outcome.FinishedAt.Offset.TotalMinutes)),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TaskOutcome>> QueryAsync(TaskHistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new StringBuilder("SELECT workflow_id, task_id, agent_id, title, prompt, status, attempts, repaired, output, error, started_ticks, started_offset, finished_ticks, finished_offset FROM task_history");
        var parameters = new List<(string Name, object? Value)>();
        foreach (var (column, op, value) in TaskHistoryConditions.Of(query))
        {
            var name = "$p" + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            sql.Append(parameters.Count == 0 ? " WHERE " : " AND ").Append(column).Append(op).Append(name);
            parameters.Add((name, value));
        }

        sql.Append(" ORDER BY finished_ticks DESC, seq DESC LIMIT $limit");
        parameters.Add(("$limit", query.Limit));
        return await database.ReadAsync<IReadOnlyList<TaskOutcome>>(
            connection =>
            {
                using var command = SqliteMemoryDatabase.Command(connection, sql.ToString(), parameters.ToArray());
                using var reader = command.ExecuteReader();
                var outcomes = new List<TaskOutcome>();
                while (reader.Read())
                {
                    outcomes.Add(Read(reader));
                }

                return outcomes;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TaskOutcome>> DeleteWorkflowAsync(string workflowId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        return await database.WriteAsync<IReadOnlyList<TaskOutcome>>(
            writer =>
            {
                using var command = SqliteMemoryDatabase.Command(
                    writer.Connection,
                    "DELETE FROM task_history WHERE workflow_id = $workflow_id RETURNING " + Columns,
                    ("$workflow_id", workflowId));
                command.Transaction = writer.Transaction;
                using var reader = command.ExecuteReader();
                var deleted = new List<TaskOutcome>();
                while (reader.Read())
                {
                    deleted.Add(Read(reader));
                }

                return deleted;
            },
            cancellationToken).ConfigureAwait(false);
    }

    private const string Columns = "workflow_id, task_id, agent_id, title, prompt, status, attempts, repaired, output, error, started_ticks, started_offset, finished_ticks, finished_offset";

    private static TaskOutcome Read(SqliteDataReader r) => new()
    {
        WorkflowId = r.GetString(0),
        TaskId = r.GetString(1),
        AgentId = r.GetString(2),
        Title = r.IsDBNull(3) ? null : r.GetString(3),
        Prompt = r.IsDBNull(4) ? null : r.GetString(4),
        Status = TaskStateNames.TryParseState(r.GetString(5), out var state)
            ? state
            : throw new InvalidOperationException($"The memory database holds the task state '{r.GetString(5)}', which this version of AgentManager does not know."),
        Attempts = r.GetInt32(6),
        Repaired = r.GetInt32(7) != 0,
        Output = r.IsDBNull(8) ? null : r.GetString(8),
        Error = r.IsDBNull(9) ? null : r.GetString(9),
        StartedAt = SqliteTime.Read(r, 10),
        FinishedAt = SqliteTime.Read(r, 12)!.Value,
    };
}

using System.Text.Json;
using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Inbox;
using AgentManager.Lifecycle;
using AgentManager.Workflows;
using Microsoft.Data.Sqlite;

namespace AgentManager.Persistence.Sqlite;

/// <summary>The embedded durable store: one SQLite file in WAL mode. Each commit is one transaction on a
/// dedicated writer connection with prepared statements; reads use pooled connections of their own.</summary>
internal sealed partial class SqliteStateStore : IStateStore, IAsyncDisposable, IDisposable
{
    private const int ForeignKeyViolation = 787;
    private const int PrimaryKeyViolation = 1555;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _connectionString;
    private readonly string _path;
    private readonly TimeSpan _busyTimeout;
    private SqliteConnection? _writer;
    private Statements? _statements;
    private SqliteCheckpointer? _checkpointer;

    public SqliteStateStore(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            throw new ArgumentException("SqliteStoreOptions.Path is blank; it must name the database file.", nameof(options));
        }

        _path = System.IO.Path.GetFullPath(options.Path);
        _busyTimeout = options.BusyTimeout;
        _connectionString = SqliteFiles.ConnectionString(_path, options.BusyTimeout);
    }

    public async Task CommitAsync(StateChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var statements = await GetStatementsAsync(cancellationToken).ConfigureAwait(false);
            statements.Begin();
            try
            {
                ThrowIfFencedOut(changes, statements);
                foreach (var workflowId in changes.PublishedWorkflows)
                {
                    statements.MarkPublished(workflowId);
                }

                foreach (var workflow in changes.Workflows)
                {
                    statements.UpsertWorkflow(workflow);
                }

                statements.UpsertTasks(changes.Tasks);
                statements.ChangeTasks(changes.TaskChanges);
                statements.InsertTransitions(changes.Transitions);
                foreach (var decision in changes.Decisions)
                {
                    statements.UpsertDecision(decision);
                }

                statements.InsertEvents(changes.Events);
                foreach (var workflowId in changes.ReleasedLeases)
                {
                    statements.ReleaseLease(workflowId);
                }

                statements.Commit();
            }
            catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == ForeignKeyViolation)
            {
                statements.Rollback();
                throw new InvalidOperationException("A task, transition, decision or event names a workflow that was never committed; nothing was stored.", ex);
            }
            catch
            {
                statements.Rollback();
                throw;
            }

            _checkpointer!.Committed(changes.Tasks.Count + changes.TaskChanges.Count + changes.Transitions.Count + changes.Events.Count);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<WorkflowRecord?> GetWorkflowAsync(string workflowId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        var rows = await QueryAsync(WorkflowSelect + " WHERE workflow_id = $id", ReadWorkflow, cancellationToken, ("$id", workflowId)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<WorkflowRecord>> ListWorkflowsAsync(CancellationToken cancellationToken) =>
        await QueryAsync(WorkflowSelect + " ORDER BY rowid", ReadWorkflow, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<TaskRecord>> GetTasksAsync(string workflowId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        return await ReadTasksAsync(workflowId, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TaskRecord?> GetTaskAsync(string workflowId, string taskId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        ArgumentNullException.ThrowIfNull(taskId);
        var rows = await ReadTasksAsync(workflowId, taskId, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<TaskTransition>> GetTransitionsAsync(string workflowId, string? taskId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        return taskId is null
            ? await QueryAsync(TransitionSelect + " WHERE workflow_id = $id ORDER BY id", ReadTransition, cancellationToken, ("$id", workflowId)).ConfigureAwait(false)
            : await QueryAsync(TransitionSelect + " WHERE workflow_id = $id AND task_id = $task ORDER BY id", ReadTransition, cancellationToken, ("$id", workflowId), ("$task", taskId)).ConfigureAwait(false);
    }

    public async Task EnqueueDecisionAsync(HumanDecisionRecord decision, CancellationToken cancellationToken)
    {
        StateStoreChecks.ThrowIfNotPending(decision);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var statements = await GetStatementsAsync(cancellationToken).ConfigureAwait(false);
            statements.Begin();
            try
            {
                statements.InsertDecision(decision);
                statements.Commit();
            }
            catch (SqliteException ex) when (ex.SqliteExtendedErrorCode is ForeignKeyViolation or PrimaryKeyViolation)
            {
                statements.Rollback();
                throw new InvalidOperationException(
                    ex.SqliteExtendedErrorCode == ForeignKeyViolation
                        ? $"Workflow '{decision.WorkflowId}' must be committed before a decision about it; nothing was stored."
                        : $"Decision id '{decision.DecisionId}' is already stored; nothing was stored.",
                    ex);
            }
            catch
            {
                statements.Rollback();
                throw;
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<IReadOnlyList<HumanDecisionRecord>> GetPendingDecisionsAsync(IReadOnlyCollection<string>? workflowIds, CancellationToken cancellationToken) =>
        workflowIds is null
            ? await QueryAsync(DecisionSelect + " WHERE status = 'pending' ORDER BY rowid", ReadDecision, cancellationToken).ConfigureAwait(false)
            : await QueryAsync(
                DecisionSelect + " WHERE status = 'pending' AND workflow_id IN (SELECT value FROM json_each($ids)) ORDER BY rowid",
                ReadDecision,
                cancellationToken,
                ("$ids", JsonSerializer.Serialize(workflowIds.ToArray(), SqliteJson.Default.StringArray))).ConfigureAwait(false);

    public async Task<HumanDecisionRecord?> GetDecisionAsync(string decisionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decisionId);
        var rows = await QueryAsync(DecisionSelect + " WHERE decision_id = $id", ReadDecision, cancellationToken, ("$id", decisionId)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<string>> PurgeAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await GetStatementsAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = _writer!.BeginTransaction();
            var purged = new List<string>();
            using (var select = _writer.CreateCommand())
            {
                select.Transaction = transaction;
                select.CommandText = "SELECT workflow_id FROM workflows WHERE status IN ('completed', 'failed', 'cancelled') AND finished_ticks < $before"
                    + " AND workflow_id NOT IN (SELECT running_workflow_id FROM schedules WHERE running_workflow_id IS NOT NULL) ORDER BY rowid";
                select.Parameters.AddWithValue("$before", finishedBefore.UtcTicks);
                using var reader = select.ExecuteReader();
                while (reader.Read())
                {
                    purged.Add(reader.GetString(0));
                }
            }

            using (var delete = _writer.CreateCommand())
            {
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM workflows WHERE workflow_id = $id";
                var id = delete.Parameters.Add(new SqliteParameter("$id", null));
                foreach (var workflowId in purged)
                {
                    id.Value = workflowId;
                    delete.ExecuteNonQuery();
                }
            }

            transaction.Commit();
            return purged;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<IReadOnlyList<EventLogEntry>> ReadEventsAsync(EventLogQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var (sql, parameters) = EventLogSql.Select(query);
        return await QueryAsync(sql, EventLogRows.Read, cancellationToken, parameters).ConfigureAwait(false);
    }

    /// <summary>How many WAL frames the background checkpoints have copied (see <see cref="SqliteCheckpointer"/>).</summary>
    internal long CheckpointedFrames => _checkpointer?.CopiedFrames ?? 0;

    /// <summary>Reads the event log of a workflow: the type of every event committed with its change, oldest first.</summary>
    internal async Task<IReadOnlyList<(string Type, string? TaskId)>> GetEventLogAsync(string workflowId, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT type, task_id FROM events WHERE workflow_id = $id ORDER BY id", r => (r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1)), cancellationToken, ("$id", workflowId)).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _checkpointer?.Dispose();
            _checkpointer = null;
            _statements?.Dispose();
            if (_writer is not null)
            {
                await _writer.DisposeAsync().ConfigureAwait(false);
            }

            _writer = null;
            _statements = null;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose()
    {
        _checkpointer?.Dispose();
        _checkpointer = null;
        _statements?.Dispose();
        _writer?.Dispose();
        _writer = null;
        _statements = null;
    }

    private async Task<Statements> GetStatementsAsync(CancellationToken cancellationToken)
    {
        if (_statements is not null)
        {
            return _statements;
        }

        var directory = System.IO.Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var writer = new SqliteConnection(_connectionString);
        await writer.OpenAsync(cancellationToken).ConfigureAwait(false);
        using (var pragma = writer.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 8388608; PRAGMA wal_autocheckpoint = "
                + SqliteCheckpointer.WriterCheckpointPages.ToString(System.Globalization.CultureInfo.InvariantCulture) + ";";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await SqliteMigrations.ApplyAsync(writer, cancellationToken).ConfigureAwait(false);
        _writer = writer;
        _checkpointer = new SqliteCheckpointer(_connectionString);
        _statements = new Statements(writer, _busyTimeout);
        return _statements;
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Func<SqliteDataReader, T> read, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var connection = new SqliteConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            var rows = new List<T>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(read(reader));
                }
            }

            return rows;
        }
    }

    /// <summary>The tasks of a workflow in ordinal order (or the one named), read on a pooled connection by position
    /// (see <see cref="SqliteTaskRows"/>).</summary>
    private Task<List<TaskRecord>> ReadTasksAsync(string workflowId, string? taskId, CancellationToken cancellationToken) =>
        taskId is null
            ? ReadTasksAsync(workflowId, " ORDER BY ordinal", statement => { }, cancellationToken)
            : ReadTasksAsync(workflowId, " AND task_id = ?2", statement => statement.Text(2, taskId), cancellationToken);

    /// <summary>The tasks of a workflow that the SQL after its <c>workflow_id = ?1</c> condition selects, with the values
    /// <paramref name="bind"/> binds from <c>?2</c> on.</summary>
    private async Task<List<TaskRecord>> ReadTasksAsync(string workflowId, string rest, Action<SqliteRawStatement> bind, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var connection = new SqliteConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var handle = connection.Handle!;

            // The raw statement bypasses SqliteCommand's retry on a busy file, so SQLite waits instead.
            SQLitePCL.raw.sqlite3_busy_timeout(handle, (int)Math.Min(int.MaxValue, _busyTimeout.TotalMilliseconds));
            using var statement = new SqliteRawStatement(handle, "SELECT " + SqliteTaskRows.Columns + " FROM tasks WHERE workflow_id = ?1" + rest);
            statement.Text(1, workflowId);
            bind(statement);
            var reader = new SqliteTaskRows(workflowId);
            var rows = new List<TaskRecord>();
            try
            {
                while (statement.Step())
                {
                    rows.Add(reader.Read(statement));
                    if ((rows.Count & 4095) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }
                }
            }
            finally
            {
                statement.Reset();
            }

            return rows;
        }
    }

    private async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_statements is not null)
        {
            return;
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await GetStatementsAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private const string WorkflowSelect = "SELECT workflow_id, name, status, reason, created_ticks, created_offset, started_ticks, started_offset, finished_ticks, finished_offset, work_root, metadata, input_tokens, output_tokens, cost, lease_owner, lease_expires_ticks, lease_expires_offset, fencing_token FROM workflows";

    private const string TransitionSelect = "SELECT workflow_id, task_id, from_state, to_state, trigger_name, reason, actor, attempt, at_ticks, at_offset, correlation_id FROM transitions";

    private const string DecisionSelect = "SELECT decision_id, workflow_id, task_id, action, actor, reason, status, outcome, requested_ticks, requested_offset, resolved_ticks, resolved_offset, correlation_id FROM human_decisions";

    private static HumanDecisionRecord ReadDecision(SqliteDataReader r) => new()
    {
        DecisionId = r.GetString(0),
        WorkflowId = r.GetString(1),
        TaskId = r.GetString(2),
        Action = HumanActionNames.TryParse(r.GetString(3), out var action) ? action : throw Unknown("human action", r.GetString(3)),
        Actor = r.GetString(4),
        Reason = r.GetString(5),
        Status = DecisionStatusNames.TryParse(r.GetString(6), out var status) ? status : throw Unknown("decision status", r.GetString(6)),
        Outcome = r.IsDBNull(7) ? null : r.GetString(7),
        RequestedAt = SqliteTime.Read(r, 8)!.Value,
        ResolvedAt = SqliteTime.Read(r, 10),
        CorrelationId = r.IsDBNull(12) ? null : r.GetString(12),
    };

    private static WorkflowRecord ReadWorkflow(SqliteDataReader r) => new()
    {
        WorkflowId = r.GetString(0),
        Name = r.IsDBNull(1) ? null : r.GetString(1),
        Status = ParseStatus(r.GetString(2)),
        Reason = r.IsDBNull(3) ? null : r.GetString(3),
        CreatedAt = SqliteTime.Read(r, 4)!.Value,
        StartedAt = SqliteTime.Read(r, 6),
        FinishedAt = SqliteTime.Read(r, 8),
        WorkRoot = r.IsDBNull(10) ? null : r.GetString(10),
        Metadata = JsonSerializer.Deserialize(r.GetString(11), SqliteJson.Default.DictionaryStringString)!,
        Usage = ReadUsage(r, 12),
        LeaseOwner = r.IsDBNull(15) ? null : r.GetString(15),
        LeaseExpiresAt = SqliteTime.Read(r, 16),
        FencingToken = r.GetInt64(18),
    };

    private static AgentUsage ReadUsage(SqliteDataReader r, int first) => new()
    {
        InputTokens = r.GetInt64(first),
        OutputTokens = r.GetInt64(first + 1),
        Cost = decimal.Parse(r.GetString(first + 2), System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture),
    };

    private static TaskTransition ReadTransition(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        ParseState(r.GetString(2)),
        ParseState(r.GetString(3)),
        TaskStateNames.TryParseTrigger(r.GetString(4), out var trigger) ? trigger : throw Unknown("trigger", r.GetString(4)),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.GetString(6),
        r.GetInt32(7),
        SqliteTime.Read(r, 8)!.Value)
    {
        CorrelationId = r.IsDBNull(10) ? null : r.GetString(10),
    };

    private static TaskState ParseState(string value) =>
        TaskStateNames.TryParseState(value, out var state) ? state : throw Unknown("task state", value);

    private static WorkflowStatus ParseStatus(string value) =>
        WorkflowStatusNames.TryParse(value, out var status) ? status : throw Unknown("workflow status", value);

    private static InvalidOperationException Unknown(string what, string value) =>
        new($"The database holds the {what} '{value}', which this version of AgentManager does not know.");
}

using System.Globalization;
using System.Text.Json;
using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Inbox;
using AgentManager.Lifecycle;
using AgentManager.Workflows;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace AgentManager.Persistence.Sqlite;

internal sealed partial class SqliteStateStore
{
    /// <summary>The writer's statements, prepared once on the connection's SQLite handle and reused by every
    /// commit, bound by position (see <see cref="SqliteRawStatement"/>).</summary>
    private sealed class Statements : IDisposable
    {
        // Tasks, transitions and events are written by multi-row INSERTs of 32, then 4, then 1 rows: a batch
        // of n rows runs about n / 32 statements instead of n.
        private static readonly int[] RowsPerInsert = [32, 4, 1];
        private const int TaskColumns = 29;
        private const string TaskInsert = """
            INSERT INTO tasks (workflow_id, task_id, ordinal, title, state, attempt, priority, agent_id, dependencies, resources, workdir, last_error, last_output, started_ticks, started_offset, finished_ticks, finished_offset,
                repair_level, level_attempts, current_agent_id, deadline_ticks, deadline_offset, input_tokens, output_tokens, cost,
                lease_owner, lease_expires_ticks, lease_expires_offset, fencing_token) VALUES 
            """;

        // SQLite runs the rows of one INSERT in order, so a task twice in a batch ends as its last row.
        private const string TaskConflict = """

            ON CONFLICT (workflow_id, task_id) DO UPDATE SET ordinal = excluded.ordinal, title = excluded.title, state = excluded.state,
                attempt = excluded.attempt, priority = excluded.priority, agent_id = excluded.agent_id, dependencies = excluded.dependencies,
                resources = excluded.resources, workdir = excluded.workdir, last_error = excluded.last_error, last_output = excluded.last_output,
                started_ticks = excluded.started_ticks, started_offset = excluded.started_offset,
                finished_ticks = excluded.finished_ticks, finished_offset = excluded.finished_offset,
                repair_level = excluded.repair_level, level_attempts = excluded.level_attempts, current_agent_id = excluded.current_agent_id,
                deadline_ticks = excluded.deadline_ticks, deadline_offset = excluded.deadline_offset,
                input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, cost = excluded.cost,
                lease_owner = excluded.lease_owner, lease_expires_ticks = excluded.lease_expires_ticks,
                lease_expires_offset = excluded.lease_expires_offset, fencing_token = excluded.fencing_token
            """;
        // A change of a stored task writes only the columns that move after its first record.
        private const string TaskChange = """
            UPDATE tasks SET state = ?3, attempt = ?4, last_error = ?5, last_output = ?6, started_ticks = ?7, started_offset = ?8,
                finished_ticks = ?9, finished_offset = ?10, repair_level = ?11, level_attempts = ?12, current_agent_id = ?13,
                deadline_ticks = ?14, deadline_offset = ?15, input_tokens = ?16, output_tokens = ?17, cost = ?18,
                lease_owner = ?19, lease_expires_ticks = ?20, lease_expires_offset = ?21, fencing_token = ?22
            WHERE workflow_id = ?1 AND task_id = ?2
            """;
        private const int TransitionColumns = 11;
        private const int EventColumns = 13;
        private const string TransitionInsert = "INSERT INTO transitions (workflow_id, task_id, from_state, to_state, trigger_name, reason, actor, attempt, at_ticks, at_offset, correlation_id) VALUES ";
        private const string EventInsert = "INSERT INTO events (workflow_id, type, task_id, reason, at_ticks, at_offset, correlation_id, from_state, to_state, trigger_name, actor, attempt, details) VALUES ";
        private const string DecisionInsert = """
            INSERT INTO human_decisions (decision_id, workflow_id, task_id, action, actor, reason, status, outcome, requested_ticks, requested_offset, resolved_ticks, resolved_offset, correlation_id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            """;

        private const string LeaseClear = " SET lease_owner = NULL, lease_expires_ticks = NULL, lease_expires_offset = NULL WHERE workflow_id = ?1";

        private readonly sqlite3 _db;
        private readonly SqliteRawStatement _begin;
        private readonly SqliteRawStatement _commit;
        private readonly SqliteRawStatement _rollback;
        private readonly SqliteRawStatement _workflow;
        private readonly SqliteRawStatement[] _tasks;
        private readonly SqliteRawStatement _taskChange;
        private readonly SqliteRawStatement[] _transitions;
        private readonly SqliteRawStatement[] _events;
        private readonly SqliteRawStatement _decision;
        private readonly SqliteRawStatement _newDecision;
        private readonly SqliteRawStatement _readLease;
        private readonly SqliteRawStatement _markPublished;
        private readonly SqliteRawStatement _releaseWorkflow;
        private readonly SqliteRawStatement _releaseTasks;

        public Statements(SqliteConnection connection, TimeSpan busyTimeout)
        {
            _db = connection.Handle!;

            // SqliteCommand retries a busy database itself; these statements bypass it, so SQLite waits instead.
            raw.sqlite3_busy_timeout(_db, (int)Math.Min(int.MaxValue, busyTimeout.TotalMilliseconds));
            _begin = new(_db, "BEGIN IMMEDIATE");
            _commit = new(_db, "COMMIT");
            _rollback = new(_db, "ROLLBACK");
            _workflow = new(_db, """
                INSERT INTO workflows (workflow_id, name, status, reason, created_ticks, created_offset, started_ticks, started_offset, finished_ticks, finished_offset, work_root, metadata,
                    input_tokens, output_tokens, cost, lease_owner, lease_expires_ticks, lease_expires_offset, fencing_token)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
                ON CONFLICT (workflow_id) DO UPDATE SET name = excluded.name, status = excluded.status, reason = excluded.reason,
                    started_ticks = excluded.started_ticks, started_offset = excluded.started_offset,
                    finished_ticks = excluded.finished_ticks, finished_offset = excluded.finished_offset,
                    work_root = excluded.work_root, metadata = excluded.metadata,
                    input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, cost = excluded.cost
                """);
            _tasks = [.. RowsPerInsert.Select(rows => new SqliteRawStatement(_db, TaskInsert + Values(TaskColumns, rows) + TaskConflict))];
            _taskChange = new(_db, TaskChange);
            _transitions = [.. RowsPerInsert.Select(rows => new SqliteRawStatement(_db, TransitionInsert + Values(TransitionColumns, rows)))];
            _events = [.. RowsPerInsert.Select(rows => new SqliteRawStatement(_db, EventInsert + Values(EventColumns, rows)))];
            _decision = new(_db, DecisionInsert + """

                ON CONFLICT (decision_id) DO UPDATE SET status = excluded.status, outcome = excluded.outcome,
                    resolved_ticks = excluded.resolved_ticks, resolved_offset = excluded.resolved_offset
                """);
            _newDecision = new(_db, DecisionInsert);
            _readLease = new(_db, $"SELECT {LeaseColumns} FROM workflows WHERE workflow_id = ?1");
            _markPublished = new(_db, "UPDATE workflows SET published_event_id = coalesce((SELECT max(id) FROM events WHERE workflow_id = ?1), 0) WHERE workflow_id = ?1");
            _releaseWorkflow = new(_db, "UPDATE workflows" + LeaseClear);
            _releaseTasks = new(_db, "UPDATE tasks" + LeaseClear + " AND lease_owner IS NOT NULL");
        }

        public void Begin() => _begin.Execute();

        public void Commit() => _commit.Execute();

        /// <summary>Rolls back the open transaction, if SQLite has not already done so after an error.</summary>
        public void Rollback()
        {
            if (raw.sqlite3_get_autocommit(_db) == 0)
            {
                _rollback.Execute();
            }
        }

        public void UpsertWorkflow(WorkflowRecord w) => _workflow
            .Text(1, w.WorkflowId)
            .Text(2, w.Name)
            .Text(3, w.Status.ToWireName())
            .Text(4, w.Reason)
            .Time(5, w.CreatedAt)
            .Time(7, w.StartedAt)
            .Time(9, w.FinishedAt)
            .Text(11, w.WorkRoot)
            .Text(12, JsonSerializer.Serialize(new Dictionary<string, string>(w.Metadata), SqliteJson.Default.DictionaryStringString))
            .Int(13, w.Usage.InputTokens)
            .Int(14, w.Usage.OutputTokens)
            .Text(15, Cost(w.Usage))
            .Text(16, w.LeaseOwner)
            .Time(17, w.LeaseExpiresAt)
            .Int(19, w.FencingToken)
            .Execute();

        /// <summary>Binds each task's values as they are read, without a record of the engine's tasks.</summary>
        public void UpsertTasks(TaskRecordList tasks) =>
            InsertRows(_tasks, tasks.Count, tasks, static (tasks, i) => tasks.SourceAt(i), TaskColumns, BindTask);

        /// <summary>Applies task changes in order; a change of a task not stored throws, and the caller rolls back.</summary>
        public void ChangeTasks(List<TaskStateChange> changes)
        {
            foreach (ref readonly var c in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(changes))
            {
                c.ThrowIfUnnamed(nameof(changes));
                var usage = c.Usage ?? AgentUsage.Zero;
                var updated = _taskChange
                    .Text(1, c.WorkflowId)
                    .Text(2, c.TaskId)
                    .Text(3, c.State.ToWireName())
                    .Int(4, c.Attempt)
                    .Text(5, c.LastError)
                    .Text(6, c.LastOutput)
                    .Time(7, c.StartedAt)
                    .Time(9, c.FinishedAt)
                    .Text(11, c.Level.ToWireName())
                    .Int(12, c.LevelAttempts)
                    .Text(13, c.CurrentAgentId)
                    .Time(14, c.DeadlineAt)
                    .Int(16, usage.InputTokens)
                    .Int(17, usage.OutputTokens)
                    .Text(18, Cost(usage))
                    .Text(19, c.LeaseOwner)
                    .Time(20, c.LeaseExpiresAt)
                    .Int(22, c.FencingToken)
                    .Execute();
                if (updated == 0)
                {
                    throw new InvalidOperationException($"Task '{c.TaskId}' of workflow '{c.WorkflowId}' must be committed before a change of it; nothing was stored.");
                }
            }
        }

        public void InsertTransitions(List<TaskTransition> transitions) =>
            InsertRows(_transitions, transitions.Count, transitions, static (list, i) => list[i], TransitionColumns, BindTransition);

        public void InsertEvents(List<AgentManagerEvent> events) =>
            InsertRows(_events, events.Count, events, static (list, i) => list[i], EventColumns, BindEvent);

        public void UpsertDecision(HumanDecisionRecord d) => BindDecision(_decision, d).Execute();

        public void InsertDecision(HumanDecisionRecord d) => BindDecision(_newDecision, d).Execute();

        /// <summary>The lease columns of a workflow; <see langword="null"/> when it was never committed.</summary>
        public (string? Owner, DateTimeOffset? ExpiresAt, long Token)? ReadLease(string workflowId)
        {
            _readLease.Text(1, workflowId);
            try
            {
                if (!_readLease.Step())
                {
                    return null;
                }

                DateTimeOffset? expiresAt = _readLease.ColumnIsNull(1)
                    ? null
                    : new DateTimeOffset(_readLease.ColumnInt64(1), TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(_readLease.ColumnInt64(2)));
                return (_readLease.ColumnText(0), expiresAt, _readLease.ColumnInt64(3));
            }
            finally
            {
                _readLease.Reset();
            }
        }

        public void MarkPublished(string workflowId) => _markPublished.Text(1, workflowId).Execute();

        public void ReleaseLease(string workflowId)
        {
            _releaseWorkflow.Text(1, workflowId).Execute();
            _releaseTasks.Text(1, workflowId).Execute();
        }

        public void Dispose()
        {
            SqliteRawStatement[] all = [_begin, _commit, _rollback, _workflow, .. _tasks, _taskChange, .. _transitions, .. _events, _decision, _newDecision, _readLease, _markPublished, _releaseWorkflow, _releaseTasks];
            foreach (var statement in all)
            {
                statement.Dispose();
            }
        }

        private static void InsertRows<TRows, T>(SqliteRawStatement[] statements, int total, TRows rows, Func<TRows, int, T> at, int columns, Action<SqliteRawStatement, int, T> bind)
        {
            var next = 0;
            for (var size = 0; size < RowsPerInsert.Length; size++)
            {
                var count = RowsPerInsert[size];
                for (; next + count <= total; next += count)
                {
                    for (var row = 0; row < count; row++)
                    {
                        bind(statements[size], row * columns, at(rows, next + row));
                    }

                    statements[size].Execute();
                }
            }
        }

        private static void BindTask(SqliteRawStatement statement, int at, ITaskRecordSource t) => statement
            .Text(at + 1, t.WorkflowId)
            .Text(at + 2, t.TaskId)
            .Int(at + 3, t.Ordinal)
            .Text(at + 4, t.Title)
            .Text(at + 5, t.State.ToWireName())
            .Int(at + 6, t.Attempt)
            .Int(at + 7, t.Priority)
            .Text(at + 8, t.AgentId)
            .Text(at + 9, Json(t.Dependencies))
            .Text(at + 10, Json(t.Resources))
            .Text(at + 11, t.Workdir)
            .Text(at + 12, t.LastError)
            .Text(at + 13, t.LastOutput)
            .Time(at + 14, t.StartedAt)
            .Time(at + 16, t.FinishedAt)
            .Text(at + 18, t.Level.ToWireName())
            .Int(at + 19, t.LevelAttempts)
            .Text(at + 20, t.CurrentAgentId)
            .Time(at + 21, t.DeadlineAt)
            .Int(at + 23, t.Usage.InputTokens)
            .Int(at + 24, t.Usage.OutputTokens)
            .Text(at + 25, Cost(t.Usage))
            .Text(at + 26, t.LeaseOwner)
            .Time(at + 27, t.LeaseExpiresAt)
            .Int(at + 29, t.FencingToken);

        private static void BindTransition(SqliteRawStatement statement, int at, TaskTransition t) => statement
            .Text(at + 1, t.WorkflowId)
            .Text(at + 2, t.TaskId)
            .Text(at + 3, t.From.ToWireName())
            .Text(at + 4, t.To.ToWireName())
            .Text(at + 5, t.Trigger.ToWireName())
            .Text(at + 6, t.Reason)
            .Text(at + 7, t.Actor)
            .Int(at + 8, t.Attempt)
            .Time(at + 9, t.Timestamp)
            .Text(at + 11, t.CorrelationId);

        private static void BindEvent(SqliteRawStatement statement, int at, AgentManagerEvent e)
        {
            var transition = (e as TaskEvent)?.Transition;
            statement
                .Text(at + 1, e.WorkflowId)
                .Text(at + 2, e.Type)
                .Text(at + 3, EventLog.TaskIdOf(e))
                .Text(at + 4, EventLog.ReasonOf(e))
                .Time(at + 5, e.Timestamp)
                .Text(at + 7, e.CorrelationId)
                .Text(at + 8, transition?.From.ToWireName())
                .Text(at + 9, transition?.To.ToWireName())
                .Text(at + 10, transition?.Trigger.ToWireName())
                .Text(at + 11, transition?.Actor)
                .Int(at + 12, transition?.Attempt)
                .Text(at + 13, EventDetails.Of(e));
        }

        private static SqliteRawStatement BindDecision(SqliteRawStatement statement, HumanDecisionRecord d) => statement
            .Text(1, d.DecisionId)
            .Text(2, d.WorkflowId)
            .Text(3, d.TaskId)
            .Text(4, d.Action.ToWireName())
            .Text(5, d.Actor)
            .Text(6, d.Reason)
            .Text(7, DecisionStatusNames.ToName(d.Status))
            .Text(8, d.Outcome)
            .Time(9, d.RequestedAt)
            .Time(11, d.ResolvedAt)
            .Text(13, d.CorrelationId);

        /// <summary>Makes <c>(?1, …, ?columns), (…)</c> for <paramref name="rows"/> rows.</summary>
        private static string Values(int columns, int rows) => string.Join(", ", Enumerable.Range(0, rows).Select(row =>
            "(" + string.Join(", ", Enumerable.Range((row * columns) + 1, columns).Select(n => "?" + n.ToString(CultureInfo.InvariantCulture))) + ")"));

        private static string Cost(AgentUsage usage) => usage.Cost.ToString(CultureInfo.InvariantCulture);

        private static string Json(IReadOnlyList<string> values) =>
            values.Count == 0 ? "[]" : JsonSerializer.Serialize(values.ToArray(), SqliteJson.Default.StringArray);
    }
}

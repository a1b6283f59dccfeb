using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using AgentManager.Events;
using AgentManager.Lifecycle;
using AgentManager.Workflows;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace AgentManager.Persistence.Sqlite;

internal sealed partial class SqliteStateStore
{
    /// <summary>The writer's statements, prepared once on the connection's SQLite handle and bound by
    /// position. A commit writes about a dozen rows per task; through <see cref="SqliteCommand"/> each row
    /// cost a look-up of every parameter by name in SQLite and a reader object, most of a commit's time.</summary>
    private sealed class Statements : IDisposable
    {
        // Transitions and events are appended by multi-row INSERTs of 16, then 4, then 1 rows: a batch
        // of n rows runs about n / 16 statements instead of n (a 3,000-row batch commits 3-5x faster).
        private static readonly int[] RowsPerInsert = [16, 4, 1];
        private const int TransitionColumns = 10;
        private const int EventColumns = 6;
        private const string TransitionInsert = "INSERT INTO transitions (workflow_id, task_id, from_state, to_state, trigger_name, reason, actor, attempt, at_ticks, at_offset) VALUES ";
        private const string EventInsert = "INSERT INTO events (workflow_id, type, task_id, reason, at_ticks, at_offset) VALUES ";

        // Dependencies and resources of a task never change, and the engine passes the same list in every
        // snapshot of the task: their JSON is made once per list.
        private static readonly ConditionalWeakTable<IReadOnlyList<string>, string> JsonOfList = [];

        private readonly RawStatement _begin;
        private readonly RawStatement _commit;
        private readonly RawStatement _rollback;
        private readonly RawStatement _workflow;
        private readonly RawStatement _task;
        private readonly RawStatement[] _transitions;
        private readonly RawStatement[] _events;

        public Statements(SqliteConnection connection, TimeSpan busyTimeout)
        {
            var db = connection.Handle!;
            raw.sqlite3_busy_timeout(db, (int)Math.Min(int.MaxValue, busyTimeout.TotalMilliseconds));
            _begin = new RawStatement(db, "BEGIN IMMEDIATE");
            _commit = new RawStatement(db, "COMMIT");
            _rollback = new RawStatement(db, "ROLLBACK");
            _workflow = new RawStatement(db, """
                INSERT INTO workflows (workflow_id, name, status, reason, created_ticks, created_offset, started_ticks, started_offset, finished_ticks, finished_offset, work_root, metadata)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                ON CONFLICT (workflow_id) DO UPDATE SET name = excluded.name, status = excluded.status, reason = excluded.reason,
                    started_ticks = excluded.started_ticks, started_offset = excluded.started_offset,
                    finished_ticks = excluded.finished_ticks, finished_offset = excluded.finished_offset,
                    work_root = excluded.work_root, metadata = excluded.metadata
                """);
            _task = new RawStatement(db, """
                INSERT INTO tasks (workflow_id, task_id, ordinal, title, state, attempt, priority, agent_id, dependencies, resources, workdir, last_error, last_output, started_ticks, started_offset, finished_ticks, finished_offset)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
                ON CONFLICT (workflow_id, task_id) DO UPDATE SET ordinal = excluded.ordinal, title = excluded.title, state = excluded.state,
                    attempt = excluded.attempt, priority = excluded.priority, agent_id = excluded.agent_id, dependencies = excluded.dependencies,
                    resources = excluded.resources, workdir = excluded.workdir, last_error = excluded.last_error, last_output = excluded.last_output,
                    started_ticks = excluded.started_ticks, started_offset = excluded.started_offset,
                    finished_ticks = excluded.finished_ticks, finished_offset = excluded.finished_offset
                """);
            _transitions = [.. RowsPerInsert.Select(rows => new RawStatement(db, TransitionInsert + Values(TransitionColumns, rows)))];
            _events = [.. RowsPerInsert.Select(rows => new RawStatement(db, EventInsert + Values(EventColumns, rows)))];
        }

        public void Begin() => _begin.Execute();

        public void Commit() => _commit.Execute();

        /// <summary>Rolls back the open transaction, if SQLite has not already done so after an error.</summary>
        public void Rollback(SqliteConnection connection)
        {
            if (raw.sqlite3_get_autocommit(connection.Handle!) == 0)
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
            .Execute();

        public void UpsertTask(TaskRecord t) => _task
            .Text(1, t.WorkflowId)
            .Text(2, t.TaskId)
            .Int(3, t.Ordinal)
            .Text(4, t.Title)
            .Text(5, t.State.ToWireName())
            .Int(6, t.Attempt)
            .Int(7, t.Priority)
            .Text(8, t.AgentId)
            .Text(9, Json(t.Dependencies))
            .Text(10, Json(t.Resources))
            .Text(11, t.Workdir)
            .Text(12, t.LastError)
            .Text(13, t.LastOutput)
            .Time(14, t.StartedAt)
            .Time(16, t.FinishedAt)
            .Execute();

        public void InsertTransitions(List<TaskTransition> transitions) =>
            InsertRows(_transitions, transitions, TransitionColumns, BindTransition);

        public void InsertEvents(List<AgentManagerEvent> events) =>
            InsertRows(_events, events, EventColumns, BindEvent);

        public void Dispose()
        {
            _begin.Dispose();
            _commit.Dispose();
            _rollback.Dispose();
            _workflow.Dispose();
            _task.Dispose();
            foreach (var statement in _transitions.Concat(_events))
            {
                statement.Dispose();
            }
        }

        private static void InsertRows<T>(RawStatement[] statements, List<T> rows, int columns, Action<RawStatement, int, T> bind)
        {
            var next = 0;
            for (var size = 0; size < RowsPerInsert.Length; size++)
            {
                var count = RowsPerInsert[size];
                for (; next + count <= rows.Count; next += count)
                {
                    for (var row = 0; row < count; row++)
                    {
                        bind(statements[size], row * columns, rows[next + row]);
                    }

                    statements[size].Execute();
                }
            }
        }

        private static void BindTransition(RawStatement statement, int at, TaskTransition t) => statement
            .Text(at + 1, t.WorkflowId)
            .Text(at + 2, t.TaskId)
            .Text(at + 3, t.From.ToWireName())
            .Text(at + 4, t.To.ToWireName())
            .Text(at + 5, t.Trigger.ToWireName())
            .Text(at + 6, t.Reason)
            .Text(at + 7, t.Actor)
            .Int(at + 8, t.Attempt)
            .Time(at + 9, t.Timestamp);

        private static void BindEvent(RawStatement statement, int at, AgentManagerEvent e) => statement
            .Text(at + 1, e.WorkflowId)
            .Text(at + 2, e.Type)
            .Text(at + 3, TaskIdOf(e))
            .Text(at + 4, ReasonOf(e))
            .Time(at + 5, e.Timestamp);

        /// <summary>Makes <c>(?1, …, ?columns), (…)</c> for <paramref name="rows"/> rows.</summary>
        private static string Values(int columns, int rows) => string.Join(", ", Enumerable.Range(0, rows).Select(row =>
            "(" + string.Join(", ", Enumerable.Range((row * columns) + 1, columns).Select(n => "?" + n.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")"));

        private static string Json(IReadOnlyList<string> values) => values.Count == 0
            ? "[]"
            : JsonOfList.GetValue(values, static list => JsonSerializer.Serialize(list.ToArray(), SqliteJson.Default.StringArray));
    }

    /// <summary>One prepared statement on a raw SQLite handle: bind by position, run, reset.</summary>
    private sealed class RawStatement : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;

        // Text is encoded here rather than by SQLitePCL's string overload, which allocates per value;
        // SQLite copies the bytes (SQLITE_TRANSIENT), so the buffer is reused at once.
        private byte[] _utf8 = new byte[256];

        public RawStatement(sqlite3 db, string sql)
        {
            _db = db;
            SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(db, sql, out _statement), db);
        }

        public RawStatement Text(int index, string? value)
        {
            if (value is null)
            {
                Check(raw.sqlite3_bind_null(_statement, index));
                return this;
            }

            var length = Encoding.UTF8.GetMaxByteCount(value.Length);
            if (length > _utf8.Length)
            {
                _utf8 = new byte[Math.Max(length, 2 * _utf8.Length)];
            }

            var written = Encoding.UTF8.GetBytes(value, _utf8);
            Check(raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, written)));
            return this;
        }

        public RawStatement Int(int index, long value)
        {
            Check(raw.sqlite3_bind_int64(_statement, index, value));
            return this;
        }

        /// <summary>Binds a time to two parameters, UTC ticks at <paramref name="index"/> and the offset in
        /// minutes after it (see <see cref="SqliteTime"/>).</summary>
        public RawStatement Time(int index, DateTimeOffset? value)
        {
            if (value is { } time)
            {
                Check(raw.sqlite3_bind_int64(_statement, index, time.UtcTicks));
                Check(raw.sqlite3_bind_int(_statement, index + 1, (int)time.Offset.TotalMinutes));
            }
            else
            {
                Check(raw.sqlite3_bind_null(_statement, index));
                Check(raw.sqlite3_bind_null(_statement, index + 1));
            }

            return this;
        }

        public void Execute()
        {
            var result = raw.sqlite3_step(_statement);
            try
            {
                if (result != raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(result, _db);
                }
            }
            finally
            {
                raw.sqlite3_reset(_statement);
                raw.sqlite3_clear_bindings(_statement);
            }
        }

        public void Dispose() => _statement.Dispose();

        private void Check(int result)
        {
            if (result != raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(result, _db);
            }
        }
    }
}

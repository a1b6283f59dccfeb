using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Npgsql;

namespace AgentManager.Storage.Postgres;

/// <summary>The task rows of a commit as one statement each: whole records as an upsert and changes as an update,
/// every column sent as an array and unnested. PostgreSQL refuses a statement that touches one row twice, so a task
/// named twice in a batch is sent once, with its last values, which is what applying them in order gives.</summary>
internal static class TaskRows
{
    public static NpgsqlBatchCommand Upsert(PostgresDatabase database, IReadOnlyList<TaskRecord> list)
    {
        // The engine's list makes a record of a live task at each read: read each once.
        var tasks = new TaskRecord[list.Count];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = list[i];
        }

        var rows = LastOfEach(tasks.Length, i => (tasks[i].WorkflowId, tasks[i].TaskId));
        var n = rows.Count;
        var c = new Columns(n);
        var ordinal = new int[n];
        var title = new string?[n];
        var priority = new int[n];
        var agent = new string?[n];
        var dependencies = new string[n];
        var resources = new string[n];
        var workdir = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var t = tasks[rows[i]];
            c.Set(i, t.WorkflowId, t.TaskId, t.State, t.Attempt, t.LastError, t.LastOutput, t.StartedAt, t.FinishedAt, t.Level, t.LevelAttempts, t.CurrentAgentId, t.DeadlineAt, t.Usage, t.LeaseOwner, t.LeaseExpiresAt, t.FencingToken);
            (ordinal[i], title[i], priority[i], agent[i]) = (t.Ordinal, t.Title, t.Priority, t.AgentId);
            (dependencies[i], resources[i], workdir[i]) = (PostgresRows.Json(t.Dependencies), PostgresRows.Json(t.Resources), t.Workdir);
        }

        return PostgresCommands.BatchCommand(
            database.Sql("""
                INSERT INTO {schema}.tasks (workflow_id, task_id, state, attempt, last_error, last_output, started_ticks, started_offset, finished_ticks, finished_offset,
                    repair_level, level_attempts, current_agent_id, deadline_ticks, deadline_offset, input_tokens, output_tokens, cost,
                    lease_owner, lease_expires_ticks, lease_expires_offset, fencing_token, ordinal, title, priority, agent_id, dependencies, resources, workdir)
                SELECT c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23, c24, c25, c26, c27::jsonb, c28::jsonb, c29
                FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::text[], $7::bigint[], $8::smallint[], $9::bigint[], $10::smallint[],
                    $11::text[], $12::integer[], $13::text[], $14::bigint[], $15::smallint[], $16::bigint[], $17::bigint[], $18::numeric[],
                    $19::text[], $20::bigint[], $21::smallint[], $22::bigint[], $23::integer[], $24::text[], $25::integer[], $26::text[], $27::text[], $28::text[], $29::text[])
                    AS u(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23, c24, c25, c26, c27, c28, c29)
                ON CONFLICT (workflow_id, task_id) DO UPDATE SET state = excluded.state, attempt = excluded.attempt,
                    last_error = excluded.last_error, last_output = excluded.last_output,
                    started_ticks = excluded.started_ticks, started_offset = excluded.started_offset,
                    finished_ticks = excluded.finished_ticks, finished_offset = excluded.finished_offset,
                    repair_level = excluded.repair_level, level_attempts = excluded.level_attempts, current_agent_id = excluded.current_agent_id,
                    deadline_ticks = excluded.deadline_ticks, deadline_offset = excluded.deadline_offset,
                    input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, cost = excluded.cost,
                    lease_owner = excluded.lease_owner, lease_expires_ticks = excluded.lease_expires_ticks,
                    lease_expires_offset = excluded.lease_expires_offset, fencing_token = excluded.fencing_token,
                    ordinal = excluded.ordinal, title = excluded.title, priority = excluded.priority, agent_id = excluded.agent_id,
                    dependencies = excluded.dependencies, resources = excluded.resources, workdir = excluded.workdir
                """),
            [.. c.Values(), ordinal, title, priority, agent, dependencies, resources, workdir]);
    }

    /// <summary>The changes as one update that fails the batch (<c>AM003</c>) unless it found every task it names.</summary>
    public static NpgsqlBatchCommand Change(PostgresDatabase database, List<TaskStateChange> changes)
    {
        var rows = LastOfEach(changes.Count, i => (changes[i].WorkflowId, changes[i].TaskId));
        var c = new Columns(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var t = changes[rows[i]];
            c.Set(i, t.WorkflowId, t.TaskId, t.State, t.Attempt, t.LastError, t.LastOutput, t.StartedAt, t.FinishedAt, t.Level, t.LevelAttempts, t.CurrentAgentId, t.DeadlineAt, t.Usage ?? AgentUsage.Zero, t.LeaseOwner, t.LeaseExpiresAt, t.FencingToken);
        }

        var command = PostgresCommands.BatchCommand(
            database.Sql("""
                WITH changed AS (UPDATE {schema}.tasks k SET state = c3, attempt = c4, last_error = c5, last_output = c6, started_ticks = c7, started_offset = c8,
                    finished_ticks = c9, finished_offset = c10, repair_level = c11, level_attempts = c12, current_agent_id = c13,
                    deadline_ticks = c14, deadline_offset = c15, input_tokens = c16, output_tokens = c17, cost = c18,
                    lease_owner = c19, lease_expires_ticks = c20, lease_expires_offset = c21, fencing_token = c22
                FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::text[], $7::bigint[], $8::smallint[], $9::bigint[], $10::smallint[],
                    $11::text[], $12::integer[], $13::text[], $14::bigint[], $15::smallint[], $16::bigint[], $17::bigint[], $18::numeric[],
                    $19::text[], $20::bigint[], $21::smallint[], $22::bigint[])
                    AS u(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21, c22)
                WHERE k.workflow_id = u.c1 AND k.task_id = u.c2 RETURNING 1)
                SELECT {schema}.check_changed((SELECT count(*) FROM changed), $23)
                """),
            [.. c.Values(), rows.Count]);
        return command;
    }

    /// <summary>The positions of the last entry of each task, in the order of those last entries.</summary>
    private static List<int> LastOfEach(int count, Func<int, (string WorkflowId, string TaskId)> key)
    {
        var last = new Dictionary<(string, string), int>(count);
        for (var i = 0; i < count; i++)
        {
            last[key(i)] = i;
        }

        var rows = new List<int>(last.Values);
        rows.Sort();
        return rows;
    }

    /// <summary>The columns a whole record and a change share, as arrays.</summary>
    private sealed class Columns(int n)
    {
        private readonly string[] _workflow = new string[n];
        private readonly string[] _task = new string[n];
        private readonly string[] _state = new string[n];
        private readonly int[] _attempt = new int[n];
        private readonly string?[] _lastError = new string?[n];
        private readonly string?[] _lastOutput = new string?[n];
        private readonly long?[] _startedTicks = new long?[n];
        private readonly short?[] _startedOffset = new short?[n];
        private readonly long?[] _finishedTicks = new long?[n];
        private readonly short?[] _finishedOffset = new short?[n];
        private readonly string[] _level = new string[n];
        private readonly int[] _levelAttempts = new int[n];
        private readonly string?[] _currentAgent = new string?[n];
        private readonly long?[] _deadlineTicks = new long?[n];
        private readonly short?[] _deadlineOffset = new short?[n];
        private readonly long[] _inputTokens = new long[n];
        private readonly long[] _outputTokens = new long[n];
        private readonly decimal[] _cost = new decimal[n];
        private readonly string?[] _leaseOwner = new string?[n];
        private readonly long?[] _leaseTicks = new long?[n];
        private readonly short?[] _leaseOffset = new short?[n];
        private readonly long[] _fencingToken = new long[n];

        public void Set(
            int i, string workflowId, string taskId, TaskState state, int attempt, string? lastError, string? lastOutput, DateTimeOffset? startedAt, DateTimeOffset? finishedAt,
            RepairLevel level, int levelAttempts, string? currentAgentId, DateTimeOffset? deadlineAt, AgentUsage usage, string? leaseOwner, DateTimeOffset? leaseExpiresAt, long fencingToken)
        {
            (_workflow[i], _task[i], _state[i], _attempt[i], _lastError[i], _lastOutput[i]) = (workflowId, taskId, state.ToWireName(), attempt, lastError, lastOutput);
            (_startedTicks[i], _startedOffset[i], _finishedTicks[i], _finishedOffset[i]) = (PostgresTime.Ticks(startedAt), PostgresTime.Offset(startedAt), PostgresTime.Ticks(finishedAt), PostgresTime.Offset(finishedAt));
            (_level[i], _levelAttempts[i], _currentAgent[i], _deadlineTicks[i], _deadlineOffset[i]) = (level.ToWireName(), levelAttempts, currentAgentId, PostgresTime.Ticks(deadlineAt), PostgresTime.Offset(deadlineAt));
            (_inputTokens[i], _outputTokens[i], _cost[i]) = (usage.InputTokens, usage.OutputTokens, usage.Cost);
            (_leaseOwner[i], _leaseTicks[i], _leaseOffset[i], _fencingToken[i]) = (leaseOwner, PostgresTime.Ticks(leaseExpiresAt), PostgresTime.Offset(leaseExpiresAt), fencingToken);
        }

        public object?[] Values() =>
        [
            _workflow, _task, _state, _attempt, _lastError, _lastOutput, _startedTicks, _startedOffset, _finishedTicks, _finishedOffset,
            _level, _levelAttempts, _currentAgent, _deadlineTicks, _deadlineOffset, _inputTokens, _outputTokens, _cost,
            _leaseOwner, _leaseTicks, _leaseOffset, _fencingToken,
        ];
    }
}

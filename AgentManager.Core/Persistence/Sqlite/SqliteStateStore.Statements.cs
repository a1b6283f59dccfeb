using System.Globalization;
using System.Text.Json;
using AgentManager.Execution;
using AgentManager.Events;
using AgentManager.Inbox;
using AgentManager.Lifecycle;
using AgentManager.Workflows;
using Microsoft.Data.Sqlite;

namespace AgentManager.Persistence.Sqlite;

internal sealed partial class SqliteStateStore
{
    /// <summary>The writer's prepared statements, created once and reused by every commit.</summary>
    private sealed class Statements : IDisposable
    {
        private readonly SqliteCommand _workflow;
        private readonly SqliteCommand _task;
        private readonly SqliteCommand _transition;
        private readonly SqliteCommand _event;
        private readonly SqliteCommand _decision;
        private readonly SqliteCommand _newDecision;

        public Statements(SqliteConnection connection)
        {
            _workflow = Create(connection, """
                INSERT INTO workflows (workflow_id, name, status, reason, created_ticks, created_offset, started_ticks, started_offset, finished_ticks, finished_offset, work_root, metadata,
                    input_tokens, output_tokens, cost, lease_owner, lease_expires_ticks, lease_expires_offset, fencing_token)
                VALUES ($workflow_id, $name, $status, $reason, $created_ticks, $created_offset, $started_ticks, $started_offset, $finished_ticks, $finished_offset, $work_root, $metadata,
                    $input_tokens, $output_tokens, $cost, $lease_owner, $lease_expires_ticks, $lease_expires_offset, $fencing_token)
                ON CONFLICT (workflow_id) DO UPDATE SET name = excluded.name, status = excluded.status, reason = excluded.reason,
                    started_ticks = excluded.started_ticks, started_offset = excluded.started_offset,
                    finished_ticks = excluded.finished_ticks, finished_offset = excluded.finished_offset,
                    work_root = excluded.work_root, metadata = excluded.metadata,
                    input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, cost = excluded.cost
                """);
            _task = Create(connection, """
                INSERT INTO tasks (workflow_id, task_id, ordinal, title, state, attempt, priority, agent_id, dependencies, resources, workdir, last_error, last_output, started_ticks, started_offset, finished_ticks, finished_offset,
                    repair_level, level_attempts, current_agent_id, deadline_ticks, deadline_offset, input_tokens, output_tokens, cost,
                    lease_owner, lease_expires_ticks, lease_expires_offset, fencing_token)
                VALUES ($workflow_id, $task_id, $ordinal, $title, $state, $attempt, $priority, $agent_id, $dependencies, $resources, $workdir, $last_error, $last_output, $started_ticks, $started_offset, $finished_ticks, $finished_offset,
                    $repair_level, $level_attempts, $current_agent_id, $deadline_ticks, $deadline_offset, $input_tokens, $output_tokens, $cost,
                    $lease_owner, $lease_expires_ticks, $lease_expires_offset, $fencing_token)
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
                """);
            _transition = Create(connection, """
                INSERT INTO transitions (workflow_id, task_id, from_state, to_state, trigger_name, reason, actor, attempt, at_ticks, at_offset)
                VALUES ($workflow_id, $task_id, $from_state, $to_state, $trigger_name, $reason, $actor, $attempt, $at_ticks, $at_offset)
                """);
            _event = Create(connection, """
                INSERT INTO events (workflow_id, type, task_id, reason, at_ticks, at_offset, correlation_id, from_state, to_state, trigger_name, actor, attempt, details)
                VALUES ($workflow_id, $type, $task_id, $reason, $at_ticks, $at_offset, $correlation_id, $from_state, $to_state, $trigger_name, $actor, $attempt, $details)
                """);
            _decision = Create(connection, """
                INSERT INTO human_decisions (decision_id, workflow_id, task_id, action, actor, reason, status, outcome, requested_ticks, requested_offset, resolved_ticks, resolved_offset)
                VALUES ($decision_id, $workflow_id, $task_id, $action, $actor, $reason, $status, $outcome, $requested_ticks, $requested_offset, $resolved_ticks, $resolved_offset)
                ON CONFLICT (decision_id) DO UPDATE SET status = excluded.status, outcome = excluded.outcome,
                    resolved_ticks = excluded.resolved_ticks, resolved_offset = excluded.resolved_offset
                """);
            _newDecision = Create(connection, """
                INSERT INTO human_decisions (decision_id, workflow_id, task_id, action, actor, reason, status, outcome, requested_ticks, requested_offset, resolved_ticks, resolved_offset)
                VALUES ($decision_id, $workflow_id, $task_id, $action, $actor, $reason, $status, $outcome, $requested_ticks, $requested_offset, $resolved_ticks, $resolved_offset)
                """);
        }

        public void Enlist(SqliteTransaction transaction)
        {
            _workflow.Transaction = transaction;
            _task.Transaction = transaction;
            _transition.Transaction = transaction;
            _event.Transaction = transaction;
            _decision.Transaction = transaction;
            _newDecision.Transaction = transaction;
        }

        public void UpsertWorkflow(WorkflowRecord w)
        {
            var p = _workflow.Parameters;
            Set(p, "$workflow_id", w.WorkflowId);
            Set(p, "$name", w.Name);
            Set(p, "$status", w.Status.ToWireName());
            Set(p, "$reason", w.Reason);
            SqliteTime.Bind(p["$created_ticks"], p["$created_offset"], w.CreatedAt);
            SqliteTime.Bind(p["$started_ticks"], p["$started_offset"], w.StartedAt);
            SqliteTime.Bind(p["$finished_ticks"], p["$finished_offset"], w.FinishedAt);
            Set(p, "$work_root", w.WorkRoot);
            Set(p, "$metadata", JsonSerializer.Serialize(new Dictionary<string, string>(w.Metadata), SqliteJson.Default.DictionaryStringString));
            BindUsage(p, w.Usage);
            BindLease(p, w.LeaseOwner, w.LeaseExpiresAt, w.FencingToken);
            _workflow.ExecuteNonQuery();
        }

        public void UpsertTask(TaskRecord t)
        {
            var p = _task.Parameters;
            Set(p, "$workflow_id", t.WorkflowId);
            Set(p, "$task_id", t.TaskId);
            Set(p, "$ordinal", t.Ordinal);
            Set(p, "$title", t.Title);
            Set(p, "$state", t.State.ToWireName());
            Set(p, "$attempt", t.Attempt);
            Set(p, "$priority", t.Priority);
            Set(p, "$agent_id", t.AgentId);
            Set(p, "$dependencies", JsonSerializer.Serialize(t.Dependencies.ToArray(), SqliteJson.Default.StringArray));
            Set(p, "$resources", JsonSerializer.Serialize(t.Resources.ToArray(), SqliteJson.Default.StringArray));
            Set(p, "$workdir", t.Workdir);
            Set(p, "$last_error", t.LastError);
            Set(p, "$last_output", t.LastOutput);
            SqliteTime.Bind(p["$started_ticks"], p["$started_offset"], t.StartedAt);
            SqliteTime.Bind(p["$finished_ticks"], p["$finished_offset"], t.FinishedAt);
            Set(p, "$repair_level", t.Level.ToWireName());
            Set(p, "$level_attempts", t.LevelAttempts);
            Set(p, "$current_agent_id", t.CurrentAgentId);
            SqliteTime.Bind(p["$deadline_ticks"], p["$deadline_offset"], t.DeadlineAt);
            BindUsage(p, t.Usage);
            BindLease(p, t.LeaseOwner, t.LeaseExpiresAt, t.FencingToken);
            _task.ExecuteNonQuery();
        }

        public void InsertTransition(TaskTransition t)
        {
            var p = _transition.Parameters;
            Set(p, "$workflow_id", t.WorkflowId);
            Set(p, "$task_id", t.TaskId);
            Set(p, "$from_state", t.From.ToWireName());
            Set(p, "$to_state", t.To.ToWireName());
            Set(p, "$trigger_name", t.Trigger.ToWireName());
            Set(p, "$reason", t.Reason);
            Set(p, "$actor", t.Actor);
            Set(p, "$attempt", t.Attempt);
            SqliteTime.Bind(p["$at_ticks"], p["$at_offset"], t.Timestamp);
            _transition.ExecuteNonQuery();
        }

        public void InsertEvent(AgentManagerEvent e)
        {
            var p = _event.Parameters;
            Set(p, "$workflow_id", e.WorkflowId);
            Set(p, "$type", e.Type);
            Set(p, "$task_id", EventLog.TaskIdOf(e));
            Set(p, "$reason", EventLog.ReasonOf(e));
            SqliteTime.Bind(p["$at_ticks"], p["$at_offset"], e.Timestamp);
            Set(p, "$correlation_id", e.CorrelationId);
            var transition = (e as TaskEvent)?.Transition;
            Set(p, "$from_state", transition?.From.ToWireName());
            Set(p, "$to_state", transition?.To.ToWireName());
            Set(p, "$trigger_name", transition?.Trigger.ToWireName());
            Set(p, "$actor", transition?.Actor);
            Set(p, "$attempt", transition?.Attempt);
            Set(p, "$details", EventDetails.Of(e));
            _event.ExecuteNonQuery();
        }

        public void UpsertDecision(HumanDecisionRecord d) => Execute(_decision, d);

        public void InsertDecision(HumanDecisionRecord d) => Execute(_newDecision, d);

        private static void Execute(SqliteCommand command, HumanDecisionRecord d)
        {
            var p = command.Parameters;
            Set(p, "$decision_id", d.DecisionId);
            Set(p, "$workflow_id", d.WorkflowId);
            Set(p, "$task_id", d.TaskId);
            Set(p, "$action", d.Action.ToWireName());
            Set(p, "$actor", d.Actor);
            Set(p, "$reason", d.Reason);
            Set(p, "$status", StatusName(d.Status));
            Set(p, "$outcome", d.Outcome);
            SqliteTime.Bind(p["$requested_ticks"], p["$requested_offset"], d.RequestedAt);
            SqliteTime.Bind(p["$resolved_ticks"], p["$resolved_offset"], d.ResolvedAt);
            command.ExecuteNonQuery();
        }

        public void Dispose()
        {
            _decision.Dispose();
            _newDecision.Dispose();
            _workflow.Dispose();
            _task.Dispose();
            _transition.Dispose();
            _event.Dispose();
        }

        private static void BindUsage(SqliteParameterCollection p, AgentUsage usage)
        {
            Set(p, "$input_tokens", usage.InputTokens);
            Set(p, "$output_tokens", usage.OutputTokens);
            Set(p, "$cost", usage.Cost.ToString(CultureInfo.InvariantCulture));
        }

        private static void BindLease(SqliteParameterCollection p, string? owner, DateTimeOffset? expiresAt, long token)
        {
            Set(p, "$lease_owner", owner);
            SqliteTime.Bind(p["$lease_expires_ticks"], p["$lease_expires_offset"], expiresAt);
            Set(p, "$fencing_token", token);
        }

        private static void Set(SqliteParameterCollection parameters, string name, object? value) =>
            parameters[name].Value = value ?? DBNull.Value;

        private static SqliteCommand Create(SqliteConnection connection, string sql)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in ParameterNames(sql))
            {
                command.Parameters.Add(new SqliteParameter(name, null));
            }

            command.Prepare();
            return command;
        }

        private static IEnumerable<string> ParameterNames(string sql)
        {
            var values = sql[sql.IndexOf("VALUES", StringComparison.Ordinal)..];
            var names = new List<string>();
            for (var i = values.IndexOf('$', StringComparison.Ordinal); i >= 0; i = values.IndexOf('$', i + 1))
            {
                var end = i + 1;
                while (end < values.Length && (char.IsAsciiLetterOrDigit(values[end]) || values[end] == '_'))
                {
                    end++;
                }

                names.Add(values[i..end]);
            }

            return names.Distinct();
        }
    }
}

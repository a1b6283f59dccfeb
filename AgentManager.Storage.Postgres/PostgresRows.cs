using System.Text.Json;
using AgentManager.Execution;
using AgentManager.Inbox;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Persistence.Sqlite;
using AgentManager.Schedules;
using AgentManager.Workflows;
using Npgsql;

namespace AgentManager.Storage.Postgres;

/// <summary>The columns the store selects and the records read back from them, by column position.</summary>
internal static class PostgresRows
{
    public const string WorkflowColumns = "workflow_id, name, status, reason, created_ticks, created_offset, started_ticks, started_offset, finished_ticks, finished_offset, work_root, metadata::text, input_tokens, output_tokens, cost, lease_owner, lease_expires_ticks, lease_expires_offset, fencing_token";

    public const string TaskColumns = "workflow_id, task_id, ordinal, title, state, attempt, priority, agent_id, dependencies::text, resources::text, workdir, last_error, last_output, started_ticks, started_offset, finished_ticks, finished_offset, repair_level, level_attempts, current_agent_id, deadline_ticks, deadline_offset, input_tokens, output_tokens, cost, lease_owner, lease_expires_ticks, lease_expires_offset, fencing_token";

    public const string TransitionColumns = "workflow_id, task_id, from_state, to_state, trigger_name, reason, actor, attempt, at_ticks, at_offset, correlation_id";

    public const string DecisionColumns = "decision_id, workflow_id, task_id, action, actor, reason, status, outcome, requested_ticks, requested_offset, resolved_ticks, resolved_offset, correlation_id";

    public const string ScheduleColumns = "schedule_id, cron, time_zone, interval_ticks, plan_path, missed_run_policy, allow_overlap, paused, next_ticks, next_offset, last_ticks, last_offset, last_workflow_id, running_workflow_id, updated_ticks, updated_offset, revision, plan_id, plan_version";

    public static WorkflowRecord Workflow(NpgsqlDataReader r) => new()
    {
        WorkflowId = r.GetString(0),
        Name = Text(r, 1),
        Status = WorkflowStatusNames.TryParse(r.GetString(2), out var status) ? status : throw Unknown("workflow status", r.GetString(2)),
        Reason = Text(r, 3),
        CreatedAt = PostgresTime.Read(r, 4)!.Value,
        StartedAt = PostgresTime.Read(r, 6),
        FinishedAt = PostgresTime.Read(r, 8),
        WorkRoot = Text(r, 10),
        Metadata = JsonSerializer.Deserialize(r.GetString(11), SqliteJson.Default.DictionaryStringString)!,
        Usage = Usage(r, 12),
        LeaseOwner = Text(r, 15),
        LeaseExpiresAt = PostgresTime.Read(r, 16),
        FencingToken = r.GetInt64(18),
    };

    public static TaskRecord Task(NpgsqlDataReader r) => new()
    {
        WorkflowId = r.GetString(0),
        TaskId = r.GetString(1),
        Ordinal = r.GetInt32(2),
        Title = Text(r, 3),
        State = State(r.GetString(4)),
        Attempt = r.GetInt32(5),
        Priority = r.GetInt32(6),
        AgentId = Text(r, 7),
        Dependencies = List(r.GetString(8)),
        Resources = List(r.GetString(9)),
        Workdir = Text(r, 10),
        LastError = Text(r, 11),
        LastOutput = Text(r, 12),
        StartedAt = PostgresTime.Read(r, 13),
        FinishedAt = PostgresTime.Read(r, 15),
        Level = RepairLevelNames.TryParse(r.GetString(17), out var level) ? level : throw Unknown("repair level", r.GetString(17)),
        LevelAttempts = r.GetInt32(18),
        CurrentAgentId = Text(r, 19),
        DeadlineAt = PostgresTime.Read(r, 20),
        Usage = Usage(r, 22),
        LeaseOwner = Text(r, 25),
        LeaseExpiresAt = PostgresTime.Read(r, 26),
        FencingToken = r.GetInt64(28),
    };

    public static TaskTransition Transition(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        State(r.GetString(2)),
        State(r.GetString(3)),
        TaskStateNames.TryParseTrigger(r.GetString(4), out var trigger) ? trigger : throw Unknown("trigger", r.GetString(4)),
        Text(r, 5),
        r.GetString(6),
        r.GetInt32(7),
        PostgresTime.Read(r, 8)!.Value)
    {
        CorrelationId = Text(r, 10),
    };

    public static HumanDecisionRecord Decision(NpgsqlDataReader r) => new()
    {
        DecisionId = r.GetString(0),
        WorkflowId = r.GetString(1),
        TaskId = r.GetString(2),
        Action = HumanActionNames.TryParse(r.GetString(3), out var action) ? action : throw Unknown("human action", r.GetString(3)),
        Actor = r.GetString(4),
        Reason = r.GetString(5),
        Status = DecisionStatusNames.TryParse(r.GetString(6), out var status) ? status : throw Unknown("decision status", r.GetString(6)),
        Outcome = Text(r, 7),
        RequestedAt = PostgresTime.Read(r, 8)!.Value,
        ResolvedAt = PostgresTime.Read(r, 10),
        CorrelationId = Text(r, 12),
    };

    public static ScheduleRecord Schedule(NpgsqlDataReader r) => new()
    {
        ScheduleId = r.GetString(0),
        Cron = Text(r, 1),
        TimeZone = Text(r, 2),
        Interval = r.IsDBNull(3) ? null : TimeSpan.FromTicks(r.GetInt64(3)),
        PlanPath = Text(r, 4),
        MissedRunPolicy = MissedRunPolicyNames.TryParse(r.GetString(5), out var policy) ? policy : throw Unknown("missed-run policy", r.GetString(5)),
        AllowOverlap = r.GetBoolean(6),
        Paused = r.GetBoolean(7),
        NextRun = PostgresTime.Read(r, 8),
        LastOccurrence = PostgresTime.Read(r, 10),
        LastWorkflowId = Text(r, 12),
        RunningWorkflowId = Text(r, 13),
        UpdatedAt = PostgresTime.Read(r, 14)!.Value,
        Revision = r.GetInt64(16),
        PlanId = Text(r, 17),
        PlanVersion = r.IsDBNull(18) ? null : r.GetInt32(18),
    };

    public static string Json(IReadOnlyList<string> values) =>
        values.Count == 0 ? "[]" : JsonSerializer.Serialize(values.ToArray(), SqliteJson.Default.StringArray);

    public static string Json(IReadOnlyDictionary<string, string> values) =>
        JsonSerializer.Serialize(new Dictionary<string, string>(values), SqliteJson.Default.DictionaryStringString);

    public static InvalidOperationException Unknown(string what, string? value) =>
        new($"The database holds the {what} '{value}', which this version of AgentManager does not know.");

    public static TaskState State(string value) =>
        TaskStateNames.TryParseState(value, out var state) ? state : throw Unknown("task state", value);

    private static string? Text(NpgsqlDataReader r, int column) => r.IsDBNull(column) ? null : r.GetString(column);

    private static string[] List(string json) => json == "[]" ? [] : JsonSerializer.Deserialize(json, SqliteJson.Default.StringArray)!;

    private static AgentUsage Usage(NpgsqlDataReader r, int first)
    {
        var input = r.GetInt64(first);
        var output = r.GetInt64(first + 1);
        var cost = r.GetDecimal(first + 2);
        return input == 0 && output == 0 && cost == 0
            ? AgentUsage.Zero
            : new AgentUsage { InputTokens = input, OutputTokens = output, Cost = cost };
    }
}

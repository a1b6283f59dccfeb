using AgentManager.Schedules;
using Microsoft.Data.Sqlite;

namespace AgentManager.Persistence.Sqlite;

internal sealed partial class SqliteStateStore
{
    private const string ScheduleSelect = "SELECT schedule_id, cron, time_zone, interval_ticks, plan_path, missed_run_policy, allow_overlap, paused, next_ticks, next_offset, last_ticks, last_offset, last_workflow_id, running_workflow_id, updated_ticks, updated_offset, revision, plan_id, plan_version FROM schedules";

    private const string ScheduleInsert = """
        INSERT INTO schedules (schedule_id, cron, time_zone, interval_ticks, plan_path, missed_run_policy, allow_overlap, paused, next_ticks, next_offset, last_ticks, last_offset, last_workflow_id, running_workflow_id, updated_ticks, updated_offset, revision, plan_id, plan_version)
        VALUES ($schedule_id, $cron, $time_zone, $interval_ticks, $plan_path, $missed_run_policy, $allow_overlap, $paused, $next_ticks, $next_offset, $last_ticks, $last_offset, $last_workflow_id, $running_workflow_id, $updated_ticks, $updated_offset, 1, $plan_id, $plan_version)
        ON CONFLICT (schedule_id) DO NOTHING
        """;

    private const string ScheduleUpdate = """
        UPDATE schedules SET cron = $cron, time_zone = $time_zone, interval_ticks = $interval_ticks, plan_path = $plan_path, plan_id = $plan_id, plan_version = $plan_version,
            missed_run_policy = $missed_run_policy, allow_overlap = $allow_overlap, paused = $paused,
            next_ticks = $next_ticks, next_offset = $next_offset, last_ticks = $last_ticks, last_offset = $last_offset,
            last_workflow_id = $last_workflow_id, running_workflow_id = $running_workflow_id,
            updated_ticks = $updated_ticks, updated_offset = $updated_offset, revision = revision + 1
        WHERE schedule_id = $schedule_id AND revision = $revision
        """;

    public async Task<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(CancellationToken cancellationToken) =>
        await QueryAsync(ScheduleSelect + " ORDER BY schedule_id", ReadSchedule, cancellationToken).ConfigureAwait(false);

    public async Task<ScheduleRecord?> GetScheduleAsync(string scheduleId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scheduleId);
        var rows = await QueryAsync(ScheduleSelect + " WHERE schedule_id = $id", ReadSchedule, cancellationToken, ("$id", scheduleId)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<ScheduleRecord?> TrySaveScheduleAsync(ScheduleRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await GetStatementsAsync(cancellationToken).ConfigureAwait(false);
            using var command = _writer!.CreateCommand();
            command.CommandText = record.Revision == 0 ? ScheduleInsert : ScheduleUpdate;
            BindSchedule(command.Parameters, record);
            var changed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return changed == 1 ? record with { Revision = record.Revision + 1 } : null;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<bool> DeleteScheduleAsync(string scheduleId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scheduleId);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await GetStatementsAsync(cancellationToken).ConfigureAwait(false);
            using var command = _writer!.CreateCommand();
            command.CommandText = "DELETE FROM schedules WHERE schedule_id = $id";
            command.Parameters.AddWithValue("$id", scheduleId);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static void BindSchedule(SqliteParameterCollection p, ScheduleRecord r)
    {
        p.AddWithValue("$schedule_id", r.ScheduleId);
        p.AddWithValue("$cron", (object?)r.Cron ?? DBNull.Value);
        p.AddWithValue("$time_zone", (object?)r.TimeZone ?? DBNull.Value);
        p.AddWithValue("$interval_ticks", r.Interval is { } interval ? interval.Ticks : DBNull.Value);
        p.AddWithValue("$plan_path", (object?)r.PlanPath ?? DBNull.Value);
        p.AddWithValue("$plan_id", (object?)r.PlanId ?? DBNull.Value);
        p.AddWithValue("$plan_version", r.PlanVersion is { } version ? version : DBNull.Value);
        p.AddWithValue("$missed_run_policy", r.MissedRunPolicy.ToWireName());
        p.AddWithValue("$allow_overlap", r.AllowOverlap ? 1 : 0);
        p.AddWithValue("$paused", r.Paused ? 1 : 0);
        BindTime(p, "$next", r.NextRun);
        BindTime(p, "$last", r.LastOccurrence);
        p.AddWithValue("$last_workflow_id", (object?)r.LastWorkflowId ?? DBNull.Value);
        p.AddWithValue("$running_workflow_id", (object?)r.RunningWorkflowId ?? DBNull.Value);
        BindTime(p, "$updated", r.UpdatedAt);
        p.AddWithValue("$revision", r.Revision);
    }

    private static void BindTime(SqliteParameterCollection parameters, string prefix, DateTimeOffset? value) =>
        SqliteTime.Bind(parameters.Add(new SqliteParameter(prefix + "_ticks", null)), parameters.Add(new SqliteParameter(prefix + "_offset", null)), value);

    private static ScheduleRecord ReadSchedule(SqliteDataReader r) => new()
    {
        ScheduleId = r.GetString(0),
        Cron = r.IsDBNull(1) ? null : r.GetString(1),
        TimeZone = r.IsDBNull(2) ? null : r.GetString(2),
        Interval = r.IsDBNull(3) ? null : TimeSpan.FromTicks(r.GetInt64(3)),
        PlanPath = r.IsDBNull(4) ? null : r.GetString(4),
        MissedRunPolicy = MissedRunPolicyNames.TryParse(r.GetString(5), out var policy) ? policy : throw Unknown("missed-run policy", r.GetString(5)),
        AllowOverlap = r.GetInt64(6) != 0,
        Paused = r.GetInt64(7) != 0,
        NextRun = SqliteTime.Read(r, 8),
        LastOccurrence = SqliteTime.Read(r, 10),
        LastWorkflowId = r.IsDBNull(12) ? null : r.GetString(12),
        RunningWorkflowId = r.IsDBNull(13) ? null : r.GetString(13),
        UpdatedAt = SqliteTime.Read(r, 14)!.Value,
        Revision = r.GetInt64(16),
        PlanId = r.IsDBNull(17) ? null : r.GetString(17),
        PlanVersion = r.IsDBNull(18) ? null : r.GetInt32(18),
    };
}

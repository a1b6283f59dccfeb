using AgentManager.Persistence;
using AgentManager.Schedules;
using static AgentManager.Storage.Postgres.PostgresCommands;

namespace AgentManager.Storage.Postgres;

internal sealed partial class PostgresStateStore
{
    private const string ScheduleInsert = """
        INSERT INTO {schema}.schedules (schedule_id, cron, time_zone, interval_ticks, plan_path, missed_run_policy, allow_overlap, paused, next_ticks, next_offset,
            last_ticks, last_offset, last_workflow_id, running_workflow_id, updated_ticks, updated_offset, revision, plan_id, plan_version)
        SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, $18, $19 WHERE $17::bigint = 0
        ON CONFLICT (schedule_id) DO NOTHING
        """;

    private const string ScheduleUpdate = """
        UPDATE {schema}.schedules SET cron = $2, time_zone = $3, interval_ticks = $4, plan_path = $5, missed_run_policy = $6, allow_overlap = $7, paused = $8,
            next_ticks = $9, next_offset = $10, last_ticks = $11, last_offset = $12, last_workflow_id = $13, running_workflow_id = $14,
            updated_ticks = $15, updated_offset = $16, revision = revision + 1, plan_id = $18, plan_version = $19
        WHERE schedule_id = $1 AND revision = $17
        """;

    public async Task<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(CancellationToken cancellationToken) =>
        await QueryAsync(database.Sql($"SELECT {PostgresRows.ScheduleColumns} FROM {{schema}}.schedules ORDER BY schedule_id COLLATE \"C\""), PostgresRows.Schedule, cancellationToken).ConfigureAwait(false);

    public async Task<ScheduleRecord?> GetScheduleAsync(string scheduleId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scheduleId);
        var rows = await QueryAsync(database.Sql($"SELECT {PostgresRows.ScheduleColumns} FROM {{schema}}.schedules WHERE schedule_id = $1"), PostgresRows.Schedule, cancellationToken, scheduleId).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<ScheduleRecord?> TrySaveScheduleAsync(ScheduleRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(
                connection,
                database.Sql(record.Revision == 0 ? ScheduleInsert : ScheduleUpdate),
                record.ScheduleId,
                record.Cron,
                record.TimeZone,
                record.Interval?.Ticks,
                record.PlanPath,
                record.MissedRunPolicy.ToWireName(),
                record.AllowOverlap,
                record.Paused,
                PostgresTime.Ticks(record.NextRun),
                PostgresTime.Offset(record.NextRun),
                PostgresTime.Ticks(record.LastOccurrence),
                PostgresTime.Offset(record.LastOccurrence),
                record.LastWorkflowId,
                record.RunningWorkflowId,
                record.UpdatedAt.UtcTicks,
                PostgresTime.Offset(record.UpdatedAt),
                record.Revision,
                record.PlanId,
                record.PlanVersion);
            var changed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return changed == 1 ? record with { Revision = record.Revision + 1 } : null;
        }
    }

    public async Task<bool> DeleteScheduleAsync(string scheduleId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scheduleId);
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, database.Sql("DELETE FROM {schema}.schedules WHERE schedule_id = $1"), scheduleId);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }
}

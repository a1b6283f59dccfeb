using AgentManager.Persistence;
using AgentManager.Workflows;
using static AgentManager.Storage.Postgres.PostgresCommands;

namespace AgentManager.Storage.Postgres;

internal sealed partial class PostgresStateStore
{
    public async Task<bool> DeleteWorkflowAsync(string workflowId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using var read = Command(
                    connection,
                    database.Sql("""
                        SELECT status, (SELECT schedule_id FROM {schema}.schedules WHERE running_workflow_id = $1 ORDER BY schedule_id COLLATE "C" LIMIT 1)
                        FROM {schema}.workflows WHERE workflow_id = $1 FOR UPDATE
                        """),
                    workflowId);
                var rows = await ReadAllAsync(read, r => (Status: r.GetString(0), Schedule: r.IsDBNull(1) ? null : r.GetString(1)), cancellationToken).ConfigureAwait(false);
                if (rows.Count == 0)
                {
                    return false;
                }

                var status = WorkflowStatusNames.TryParse(rows[0].Status, out var parsed) ? parsed : throw PostgresRows.Unknown("workflow status", rows[0].Status);
                if (!status.IsFinished())
                {
                    throw StateStoreDeletes.Unfinished(workflowId, status);
                }

                if (rows[0].Schedule is { } scheduleId)
                {
                    throw StateStoreDeletes.ScheduledRun(workflowId, status, scheduleId);
                }

                // Tasks and decisions go with it (ON DELETE CASCADE); transitions and events have no foreign key.
                using var delete = Command(
                    connection,
                    database.Sql("""
                        WITH transitions AS (DELETE FROM {schema}.transitions WHERE workflow_id = $1),
                            events AS (DELETE FROM {schema}.events WHERE workflow_id = $1)
                        DELETE FROM {schema}.workflows WHERE workflow_id = $1
                        """),
                    workflowId);
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
        }
    }
}

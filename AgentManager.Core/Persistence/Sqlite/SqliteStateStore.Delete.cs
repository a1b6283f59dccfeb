using AgentManager.Workflows;

namespace AgentManager.Persistence.Sqlite;

internal sealed partial class SqliteStateStore
{
    public async Task<bool> DeleteWorkflowAsync(string workflowId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await GetStatementsAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = _writer!.BeginTransaction();
            using var command = _writer.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT status, (SELECT schedule_id FROM schedules WHERE running_workflow_id = $id ORDER BY schedule_id LIMIT 1) FROM workflows WHERE workflow_id = $id";
            command.Parameters.AddWithValue("$id", workflowId);
            string statusName;
            string? scheduleId;
            using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }

                statusName = reader.GetString(0);
                scheduleId = reader.IsDBNull(1) ? null : reader.GetString(1);
            }

            var status = WorkflowStatusNames.TryParse(statusName, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"Workflow '{workflowId}' has the unknown status '{statusName}' in the database.");
            if (!status.IsFinished())
            {
                throw StateStoreDeletes.Unfinished(workflowId, status);
            }

            if (scheduleId is not null)
            {
                throw StateStoreDeletes.ScheduledRun(workflowId, status, scheduleId);
            }

            // Tasks, transitions, events and decisions go with it (ON DELETE CASCADE).
            command.CommandText = "DELETE FROM workflows WHERE workflow_id = $id";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }
}

using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace AgentManager.Persistence.Sqlite;

internal sealed partial class SqliteStateStore
{
    private const string Unfinished = "status NOT IN ('completed', 'failed', 'cancelled')";

    private const string CancelRequestSelect =
        "SELECT workflow_id, cancel_reason, cancel_requested_by, cancel_requested_ticks, cancel_requested_offset, cancel_correlation_id FROM workflows";

    public async Task<WorkflowCancelRequest?> RequestCancelAsync(WorkflowCancelRequest request, CancellationToken cancellationToken)
    {
        StateStoreChecks.ThrowIfIncomplete(request);
        return await WriteAsync(
            transaction =>
            {
                Execute(
                    transaction,
                    "UPDATE workflows SET cancel_reason = $reason, cancel_requested_by = $by, cancel_requested_ticks = $ticks, cancel_requested_offset = $offset, cancel_correlation_id = $correlation"
                    + $" WHERE workflow_id = $id AND {Unfinished} AND cancel_requested_ticks IS NULL",
                    ("$id", request.WorkflowId),
                    ("$reason", request.Reason),
                    ("$by", request.RequestedBy),
                    ("$ticks", request.RequestedAt.UtcTicks),
                    ("$offset", (int)request.RequestedAt.Offset.TotalMinutes),
                    ("$correlation", request.CorrelationId));
                using var select = _writer!.CreateCommand();
                select.Transaction = transaction;
                select.CommandText = CancelRequestSelect + $" WHERE workflow_id = $id AND {Unfinished} AND cancel_requested_ticks IS NOT NULL";
                select.Parameters.AddWithValue("$id", request.WorkflowId);
                using var reader = select.ExecuteReader();
                return reader.Read() ? ReadCancelRequest(reader) : null;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<WorkflowCancelRequest>> GetCancelRequestsAsync(IReadOnlyCollection<string> workflowIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowIds);
        if (workflowIds.Count == 0)
        {
            return [];
        }

        return await QueryAsync(
            CancelRequestSelect + $" WHERE workflow_id IN (SELECT value FROM json_each($ids)) AND cancel_requested_ticks IS NOT NULL AND {Unfinished}",
            ReadCancelRequest,
            cancellationToken,
            ("$ids", JsonSerializer.Serialize(workflowIds.Distinct(StringComparer.Ordinal).ToArray(), SqliteJson.Default.StringArray))).ConfigureAwait(false);
    }

    private static WorkflowCancelRequest ReadCancelRequest(SqliteDataReader reader) => new()
    {
        WorkflowId = reader.GetString(0),
        Reason = reader.GetString(1),
        RequestedBy = reader.GetString(2),
        RequestedAt = SqliteTime.Read(reader, 3)!.Value,
        CorrelationId = reader.IsDBNull(5) ? null : reader.GetString(5),
    };
}

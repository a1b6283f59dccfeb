using System.Text.Json;

namespace AgentManager.Persistence.Sqlite;

internal sealed partial class SqliteStateStore
{
    private const string StartTaken = "status = 'created'";

    private const string CancelTaken = "status NOT IN ('completed', 'failed', 'cancelled')";

    private const string RequestSelect = "SELECT " + WorkflowRequestRows.Columns + " FROM workflows";

    // A start request replaces an earlier one (a start whose hooks refused it may be asked again); a cancel request
    // keeps the first.
    private const string StartUpdate = "UPDATE workflows SET start_requested_by = $by, start_requested_ticks = $ticks, start_requested_offset = $offset,"
        + " start_correlation_id = $correlation WHERE workflow_id = $id AND " + StartTaken;

    private const string CancelUpdate = "UPDATE workflows SET cancel_requested_by = $by, cancel_requested_ticks = $ticks, cancel_requested_offset = $offset,"
        + " cancel_correlation_id = $correlation, cancel_reason = $reason WHERE workflow_id = $id AND " + CancelTaken + " AND cancel_requested_ticks IS NULL";

    public async Task<WorkflowRequest?> StoreWorkflowRequestAsync(WorkflowRequest request, CancellationToken cancellationToken)
    {
        StateStoreChecks.ThrowIfIncomplete(request);
        var start = request.Kind == WorkflowRequestKind.Start;
        return await WriteAsync(
            transaction =>
            {
                Execute(
                    transaction,
                    start ? StartUpdate : CancelUpdate,
                    ("$id", request.WorkflowId),
                    ("$by", request.RequestedBy),
                    ("$ticks", request.RequestedAt.UtcTicks),
                    ("$offset", (int)request.RequestedAt.Offset.TotalMinutes),
                    ("$correlation", request.CorrelationId),
                    ("$reason", start ? null : request.Reason));
                using var select = _writer!.CreateCommand();
                select.Transaction = transaction;
                select.CommandText = RequestSelect + " WHERE workflow_id = $id";
                select.Parameters.AddWithValue("$id", request.WorkflowId);
                using var reader = select.ExecuteReader();
                return reader.Read() ? WorkflowRequestRows.Read(reader).FirstOrDefault(r => r.Kind == request.Kind) : null;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<WorkflowRequest>> GetWorkflowRequestsAsync(IReadOnlyCollection<string> workflowIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowIds);
        if (workflowIds.Count == 0)
        {
            return [];
        }

        var rows = await QueryAsync(
            RequestSelect + " WHERE workflow_id IN (SELECT value FROM json_each($ids)) AND (start_requested_ticks IS NOT NULL OR cancel_requested_ticks IS NOT NULL)",
            WorkflowRequestRows.Read,
            cancellationToken,
            ("$ids", JsonSerializer.Serialize(workflowIds.Distinct(StringComparer.Ordinal).ToArray(), SqliteJson.Default.StringArray))).ConfigureAwait(false);
        return [.. rows.SelectMany(r => r)];
    }
}

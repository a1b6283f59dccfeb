using AgentManager.Persistence;
using Npgsql;

namespace AgentManager.Storage.Postgres;

internal sealed partial class PostgresStateStore
{
    private const string Unfinished = "status NOT IN ('completed', 'failed', 'cancelled')";

    private const string CancelRequestColumns = "workflow_id, cancel_reason, cancel_requested_by, cancel_requested_ticks, cancel_requested_offset, cancel_correlation_id";

    // One statement, so that two requests at once keep the first: the second waits for the first's row lock and then
    // sees its request. A workflow that has one is written again unchanged.
    public async Task<WorkflowCancelRequest?> RequestCancelAsync(WorkflowCancelRequest request, CancellationToken cancellationToken)
    {
        StateStoreChecks.ThrowIfIncomplete(request);
        var rows = await QueryAsync(
            database.Sql($$"""
                UPDATE {schema}.workflows SET
                    cancel_reason = CASE WHEN cancel_requested_ticks IS NULL THEN $2::text ELSE cancel_reason END,
                    cancel_requested_by = CASE WHEN cancel_requested_ticks IS NULL THEN $3::text ELSE cancel_requested_by END,
                    cancel_requested_offset = CASE WHEN cancel_requested_ticks IS NULL THEN $5::smallint ELSE cancel_requested_offset END,
                    cancel_correlation_id = CASE WHEN cancel_requested_ticks IS NULL THEN $6::text ELSE cancel_correlation_id END,
                    cancel_requested_ticks = COALESCE(cancel_requested_ticks, $4::bigint)
                WHERE workflow_id = $1 AND {{Unfinished}}
                RETURNING {{CancelRequestColumns}}
                """),
            ReadCancelRequest,
            cancellationToken,
            request.WorkflowId,
            request.Reason,
            request.RequestedBy,
            request.RequestedAt.UtcTicks,
            PostgresTime.Offset(request.RequestedAt),
            request.CorrelationId).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<WorkflowCancelRequest>> GetCancelRequestsAsync(IReadOnlyCollection<string> workflowIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowIds);
        if (workflowIds.Count == 0)
        {
            return [];
        }

        return await QueryAsync(
            database.Sql($"SELECT {CancelRequestColumns} FROM {{schema}}.workflows WHERE workflow_id = ANY($1) AND cancel_requested_ticks IS NOT NULL AND {Unfinished}"),
            ReadCancelRequest,
            cancellationToken,
            (object)workflowIds.Distinct(StringComparer.Ordinal).ToArray()).ConfigureAwait(false);
    }

    private static WorkflowCancelRequest ReadCancelRequest(NpgsqlDataReader reader) => new()
    {
        WorkflowId = reader.GetString(0),
        Reason = reader.GetString(1),
        RequestedBy = reader.GetString(2),
        RequestedAt = PostgresTime.Read(reader, 3)!.Value,
        CorrelationId = reader.IsDBNull(5) ? null : reader.GetString(5),
    };
}

using AgentManager.Persistence;
using static AgentManager.Storage.Postgres.PostgresCommands;

namespace AgentManager.Storage.Postgres;

internal sealed partial class PostgresStateStore
{
    // A start request replaces an earlier one (a start whose hooks refused it may be asked again). A cancel request keeps
    // the first, in one statement so that of two at once the second waits for the first's row lock and then sees it.
    private const string StartUpdate = """
        UPDATE {schema}.workflows SET start_requested_by = $2, start_requested_ticks = $3, start_requested_offset = $4, start_correlation_id = $5
        WHERE workflow_id = $1 AND status = 'created'
        """;

    private const string CancelUpdate = """
        UPDATE {schema}.workflows SET
            cancel_requested_by = CASE WHEN cancel_requested_ticks IS NULL THEN $2::text ELSE cancel_requested_by END,
            cancel_requested_offset = CASE WHEN cancel_requested_ticks IS NULL THEN $4::integer ELSE cancel_requested_offset END,
            cancel_correlation_id = CASE WHEN cancel_requested_ticks IS NULL THEN $5::text ELSE cancel_correlation_id END,
            cancel_reason = CASE WHEN cancel_requested_ticks IS NULL THEN $6::text ELSE cancel_reason END,
            cancel_requested_ticks = COALESCE(cancel_requested_ticks, $3::bigint)
        WHERE workflow_id = $1 AND status NOT IN ('completed', 'failed', 'cancelled')
        """;

    public async Task<WorkflowRequest?> StoreWorkflowRequestAsync(WorkflowRequest request, CancellationToken cancellationToken)
    {
        StateStoreChecks.ThrowIfIncomplete(request);
        var start = request.Kind == WorkflowRequestKind.Start;
        object?[] values = [request.WorkflowId, request.RequestedBy, request.RequestedAt.UtcTicks, (int)request.RequestedAt.Offset.TotalMinutes, request.CorrelationId];
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, database.Sql((start ? StartUpdate : CancelUpdate) + " RETURNING " + WorkflowRequestRows.Columns), start ? values : [.. values, request.Reason]);
            var rows = await ReadAllAsync(command, WorkflowRequestRows.Read, cancellationToken).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                return null;
            }

            await _signals.NotifyAsync(connection, request.WorkflowId).ConfigureAwait(false);
            return rows[0].Find(r => r.Kind == request.Kind);
        }
    }

    public async Task<IReadOnlyList<WorkflowRequest>> GetWorkflowRequestsAsync(IReadOnlyCollection<string> workflowIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowIds);
        if (workflowIds.Count == 0)
        {
            return [];
        }

        var rows = await QueryAsync(
            database.Sql($"SELECT {WorkflowRequestRows.Columns} FROM {{schema}}.workflows WHERE workflow_id = ANY($1) AND (start_requested_ticks IS NOT NULL OR cancel_requested_ticks IS NOT NULL)"),
            WorkflowRequestRows.Read,
            cancellationToken,
            (object)workflowIds.Distinct(StringComparer.Ordinal).ToArray()).ConfigureAwait(false);
        return [.. rows.SelectMany(r => r)];
    }
}

using AgentManager.Events;
using AgentManager.Persistence;
using AgentManager.Persistence.Sqlite;
using Npgsql;
using static AgentManager.Storage.Postgres.PostgresCommands;

namespace AgentManager.Storage.Postgres;

/// <summary>Leases with fencing and the outbox. A lease change reads the workflow's row under a row lock, so a
/// compare-and-set here is atomic across hosts and against a commit of the holder.</summary>
internal sealed partial class PostgresStateStore
{
    public async Task<WorkflowLease> AcquireLeaseAsync(LeaseClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using var read = Command(
                    connection,
                    database.Sql("SELECT lease_owner, lease_expires_ticks, lease_expires_offset, fencing_token FROM {schema}.workflows WHERE workflow_id = $1 FOR UPDATE"),
                    claim.WorkflowId);
                var rows = await ReadAllAsync(read, r => (Owner: r.IsDBNull(0) ? null : r.GetString(0), ExpiresAt: PostgresTime.Read(r, 1), Token: r.GetInt64(3)), cancellationToken).ConfigureAwait(false);
                if (rows.Count == 0)
                {
                    throw new InvalidOperationException($"Workflow '{claim.WorkflowId}' was never committed; it has no lease to acquire.");
                }

                var (owner, expiresAt, token) = rows[0];
                if (!LeaseRules.IsFree(owner, expiresAt, token, claim))
                {
                    throw new LeaseHeldException(new WorkflowLease(claim.WorkflowId, owner!, token, expiresAt!.Value));
                }

                var lease = new WorkflowLease(claim.WorkflowId, claim.Owner, token + 1, claim.ExpiresAt);
                using var update = Command(
                    connection,
                    database.Sql("UPDATE {schema}.workflows SET lease_owner = $1, lease_expires_ticks = $2, lease_expires_offset = $3, fencing_token = $4 WHERE workflow_id = $5"),
                    lease.Owner,
                    lease.ExpiresAt.UtcTicks,
                    PostgresTime.Offset(lease.ExpiresAt),
                    lease.Token,
                    lease.WorkflowId);
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return lease;
            }
        }
    }

    public async Task<IReadOnlyList<string>> RenewLeasesAsync(IReadOnlyCollection<WorkflowLease> leases, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leases);
        if (leases.Count == 0)
        {
            return [];
        }

        var ids = leases.Select(l => l.WorkflowId).ToArray();
        var tokens = leases.Select(l => l.Token).ToArray();
        var owners = leases.Select(l => l.Owner).ToArray();
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One statement renews the workflows still held and the leases of their running tasks.
            using var command = Command(
                connection,
                database.Sql("""
                    WITH held AS (
                        UPDATE {schema}.workflows w SET lease_expires_ticks = $4, lease_expires_offset = $5
                        FROM unnest($1::text[], $2::bigint[], $3::text[]) AS u(id, token, owner)
                        WHERE w.workflow_id = u.id AND w.fencing_token = u.token AND w.lease_owner = u.owner
                        RETURNING w.workflow_id, w.fencing_token, w.lease_owner),
                    tasks AS (
                        UPDATE {schema}.tasks k SET lease_expires_ticks = $4, lease_expires_offset = $5
                        FROM held h WHERE k.workflow_id = h.workflow_id AND k.fencing_token = h.fencing_token AND k.lease_owner = h.lease_owner)
                    SELECT workflow_id FROM held
                    """),
                ids,
                tokens,
                owners,
                expiresAt.UtcTicks,
                PostgresTime.Offset(expiresAt));
            var renewed = (await ReadAllAsync(command, r => r.GetString(0), cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
            return [.. ids.Where(id => !renewed.Contains(id))];
        }
    }

    // 'running' is written out, not bound: only then can the planner use the partial index ix_workflows_running.
    public async Task<IReadOnlyList<WorkflowRecord>> ListUnheldRunningWorkflowsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        await QueryAsync(
            _workflowSelect + " WHERE status = 'running' AND (lease_owner IS NULL OR lease_expires_ticks IS NULL OR lease_expires_ticks <= $1) ORDER BY seq",
            PostgresRows.Workflow,
            cancellationToken,
            now.UtcTicks).ConfigureAwait(false);

    public async Task<IReadOnlyList<AgentManagerEvent>> ReadUnpublishedEventsAsync(string? workflowId, CancellationToken cancellationToken)
    {
        var select = database.Sql($$"""
            SELECT e.{{EventLogRows.Columns.Replace(", ", ", e.", StringComparison.Ordinal)}}, e.details
            FROM {schema}.workflows w JOIN {schema}.events e ON e.workflow_id = w.workflow_id AND e.id > w.published_event_id
            """);
        var rows = workflowId is null
            ? await QueryAsync(select + " ORDER BY e.id", ReadLogged, cancellationToken).ConfigureAwait(false)
            : await QueryAsync(select + " WHERE w.workflow_id = $1 ORDER BY e.id", ReadLogged, cancellationToken, workflowId).ConfigureAwait(false);
        return [.. rows.OfType<AgentManagerEvent>()];
    }

    private static AgentManagerEvent? ReadLogged(NpgsqlDataReader reader) =>
        EventDetails.ToEvent(EventLogRows.Read(reader), reader.IsDBNull(13) ? null : reader.GetString(13));
}

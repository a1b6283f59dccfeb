using AgentManager.Events;
using Microsoft.Data.Sqlite;

namespace AgentManager.Persistence.Sqlite;

/// <summary>Leases with fencing and the outbox of the SQLite store. Every lease change is a write transaction
/// (BEGIN IMMEDIATE), so a compare-and-set here is atomic across processes sharing the file.</summary>
internal sealed partial class SqliteStateStore
{
    private const string LeaseColumns = "lease_owner, lease_expires_ticks, lease_expires_offset, fencing_token";

    public async Task<WorkflowLease> AcquireLeaseAsync(LeaseClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return await WriteAsync(
            transaction =>
            {
                var (owner, expiresAt, token) = _statements!.ReadLease(claim.WorkflowId)
                    ?? throw new InvalidOperationException($"Workflow '{claim.WorkflowId}' was never committed; it has no lease to acquire.");
                if (!LeaseRules.IsFree(owner, expiresAt, token, claim))
                {
                    throw new LeaseHeldException(new WorkflowLease(claim.WorkflowId, owner!, token, expiresAt!.Value));
                }

                var lease = new WorkflowLease(claim.WorkflowId, claim.Owner, token + 1, claim.ExpiresAt);
                Execute(
                    transaction,
                    "UPDATE workflows SET lease_owner = $owner, lease_expires_ticks = $ticks, lease_expires_offset = $offset, fencing_token = $token WHERE workflow_id = $id",
                    ("$owner", lease.Owner),
                    ("$ticks", lease.ExpiresAt.UtcTicks),
                    ("$offset", (int)lease.ExpiresAt.Offset.TotalMinutes),
                    ("$token", lease.Token),
                    ("$id", lease.WorkflowId));
                return lease;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> RenewLeasesAsync(IReadOnlyCollection<WorkflowLease> leases, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leases);
        if (leases.Count == 0)
        {
            return [];
        }

        return await WriteAsync<IReadOnlyList<string>>(
            transaction =>
            {
                var lost = new List<string>();
                foreach (var lease in leases)
                {
                    (string, object?)[] parameters =
                    [
                        ("$ticks", expiresAt.UtcTicks),
                        ("$offset", (int)expiresAt.Offset.TotalMinutes),
                        ("$id", lease.WorkflowId),
                        ("$token", lease.Token),
                        ("$owner", lease.Owner),
                    ];
                    const string Set = " SET lease_expires_ticks = $ticks, lease_expires_offset = $offset WHERE workflow_id = $id AND fencing_token = $token AND lease_owner = $owner";
                    if (Execute(transaction, "UPDATE workflows" + Set, parameters) == 0)
                    {
                        lost.Add(lease.WorkflowId);
                        continue;
                    }

                    Execute(transaction, "UPDATE tasks" + Set, parameters);
                }

                return lost;
            },
            cancellationToken).ConfigureAwait(false);
    }

    // 'running' is written out, not bound: only then does SQLite see that the partial index ix_workflows_running covers the query.
    public async Task<IReadOnlyList<WorkflowRecord>> ListUnheldRunningWorkflowsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        await QueryAsync(
            WorkflowSelect + " WHERE status = 'running' AND (lease_owner IS NULL OR lease_expires_ticks IS NULL OR lease_expires_ticks <= $now) ORDER BY rowid",
            ReadWorkflow,
            cancellationToken,
            ("$now", now.UtcTicks)).ConfigureAwait(false);

    public async Task<IReadOnlyList<AgentManagerEvent>> ReadUnpublishedEventsAsync(string? workflowId, CancellationToken cancellationToken)
    {
        const string Select = "SELECT e.id, e.workflow_id, e.type, e.task_id, e.reason, e.at_ticks, e.at_offset, e.correlation_id, e.from_state, e.to_state, e.trigger_name, e.actor, e.attempt, e.details"
            + " FROM workflows w JOIN events e ON e.workflow_id = w.workflow_id AND e.id > w.published_event_id";
        var rows = workflowId is null
            ? await QueryAsync(Select + " ORDER BY e.id", ReadLogged, cancellationToken).ConfigureAwait(false)
            : await QueryAsync(Select + " WHERE w.workflow_id = $id ORDER BY e.id", ReadLogged, cancellationToken, ("$id", workflowId)).ConfigureAwait(false);
        return rows.Where(e => e is not null).ToArray()!;
    }

    private static AgentManagerEvent? ReadLogged(SqliteDataReader reader) =>
        EventDetails.ToEvent(EventLogRows.Read(reader), reader.IsDBNull(13) ? null : reader.GetString(13));

    /// <summary>Refuses a batch written without the lease of a workflow it writes: a stale token, or the creation
    /// of a workflow that someone else created first (whose lease the writer never held).</summary>
    private static void ThrowIfFencedOut(StateChanges changes, Statements statements)
    {
        foreach (var workflowId in changes.CreatedWorkflows)
        {
            if (statements.ReadLease(workflowId) is not null)
            {
                throw new WorkflowExistsException(workflowId);
            }
        }

        foreach (var (workflowId, token) in changes.FencingTokens)
        {
            if (statements.ReadLease(workflowId) is { } stored && stored.Token != token)
            {
                throw new LeaseLostException(workflowId, token, stored.Token, stored.Owner);
            }
        }

        StateStoreChecks.ThrowIfReleasedWithoutToken(changes);
    }

    private int Execute(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = _writer!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command.ExecuteNonQuery();
    }

    /// <summary>Runs a write in one transaction on the writer connection; an exception rolls it back.</summary>
    private async Task<T> WriteAsync<T>(Func<SqliteTransaction, T> write, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await GetStatementsAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = _writer!.BeginTransaction();
            var result = write(transaction);
            transaction.Commit();
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }
}

using AgentManager.Memory;
using Npgsql;
using static AgentManager.Storage.Postgres.PostgresCommands;

namespace AgentManager.Storage.Postgres;

/// <summary>Working memory in the shared schema, so that a workflow resumed on another host finds its values. Time
/// is the host's <see cref="TimeProvider"/>, as elsewhere (hosts are expected to keep their clocks in step). Every
/// write first upserts, then deletes the expired values that no other host is deleting at that moment (row locks
/// skipped), so that concurrent writers never wait on each other's purge.</summary>
internal sealed class PostgresWorkingMemory(PostgresDatabase database, TimeProvider timeProvider) : IWorkingMemory
{
    private const string Columns = "key, value, updated_ticks, updated_offset, expires_ticks, expires_offset";

    /// <summary>Deletes the values expired at <c>$1</c> that no other transaction holds.</summary>
    private const string PurgeSql = """
        DELETE FROM {schema}.working_memory w USING (
            SELECT workflow_id, key FROM {schema}.working_memory
            WHERE expires_ticks IS NOT NULL AND expires_ticks <= $1
            FOR UPDATE SKIP LOCKED) expired
        WHERE w.workflow_id = expired.workflow_id AND w.key = expired.key
        """;

    public async Task<WorkingMemoryEntry> SetAsync(string workflowId, string key, string value, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        WorkingMemoryChecks.Key(workflowId, key);
        ArgumentNullException.ThrowIfNull(value);
        var now = timeProvider.GetUtcNow();
        var entry = new WorkingMemoryEntry(key, value, now, WorkingMemoryChecks.ExpiresAt(now, timeToLive));
        cancellationToken.ThrowIfCancellationRequested();
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One batch is one implicit transaction: the upsert first, so that the purge (which skips locked rows)
            // is the only other lock taken and two hosts' writes cannot deadlock.
            var batch = new NpgsqlBatch(connection);
            await using (batch.ConfigureAwait(false))
            {
                batch.BatchCommands.Add(BatchCommand(
                    database.Sql("""
                        INSERT INTO {schema}.working_memory (workflow_id, key, value, updated_ticks, updated_offset, expires_ticks, expires_offset)
                        VALUES ($1, $2, $3, $4, $5, $6, $7)
                        ON CONFLICT (workflow_id, key) DO UPDATE SET value = excluded.value, updated_ticks = excluded.updated_ticks,
                            updated_offset = excluded.updated_offset, expires_ticks = excluded.expires_ticks, expires_offset = excluded.expires_offset
                        """),
                    workflowId,
                    key,
                    value,
                    now.UtcTicks,
                    PostgresTime.Offset(now),
                    PostgresTime.Ticks(entry.ExpiresAt),
                    PostgresTime.Offset(entry.ExpiresAt)));
                batch.BatchCommands.Add(BatchCommand(database.Sql(PurgeSql), now.UtcTicks));
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return entry;
    }

    public async Task<WorkingMemoryEntry?> GetAsync(string workflowId, string key, CancellationToken cancellationToken)
    {
        WorkingMemoryChecks.Key(workflowId, key);
        var now = timeProvider.GetUtcNow();
        var entries = await SelectAsync(
            $"SELECT {Columns} FROM {{schema}}.working_memory WHERE workflow_id = $1 AND key = $2 AND (expires_ticks IS NULL OR expires_ticks > $3)",
            cancellationToken,
            workflowId,
            key,
            now.UtcTicks).ConfigureAwait(false);
        return entries.Count == 0 ? null : entries[0];
    }

    public async Task<bool> RemoveAsync(string workflowId, string key, CancellationToken cancellationToken)
    {
        WorkingMemoryChecks.Key(workflowId, key);
        var now = timeProvider.GetUtcNow();
        var removed = await ExecuteAsync(
            "DELETE FROM {schema}.working_memory WHERE workflow_id = $1 AND key = $2 AND (expires_ticks IS NULL OR expires_ticks > $3)",
            cancellationToken,
            workflowId,
            key,
            now.UtcTicks).ConfigureAwait(false);
        return removed > 0;
    }

    public async Task<IReadOnlyList<WorkingMemoryEntry>> ListAsync(string workflowId, CancellationToken cancellationToken)
    {
        Ids.ThrowIfInvalid(workflowId);
        var now = timeProvider.GetUtcNow();
        var entries = await SelectAsync(
            $"SELECT {Columns} FROM {{schema}}.working_memory WHERE workflow_id = $1 AND (expires_ticks IS NULL OR expires_ticks > $2)",
            cancellationToken,
            workflowId,
            now.UtcTicks).ConfigureAwait(false);
        entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return entries;
    }

    public async Task<int> ClearAsync(string workflowId, CancellationToken cancellationToken)
    {
        Ids.ThrowIfInvalid(workflowId);
        var now = timeProvider.GetUtcNow();
        cancellationToken.ThrowIfCancellationRequested();
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Deletes expired values too, but counts only the live ones, in one statement.
            using var command = Command(
                connection,
                database.Sql("""
                    WITH deleted AS (DELETE FROM {schema}.working_memory WHERE workflow_id = $1 RETURNING expires_ticks)
                    SELECT count(*) FROM deleted WHERE expires_ticks IS NULL OR expires_ticks > $2
                    """),
                workflowId,
                now.UtcTicks);
            return (int)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    public Task<int> PurgeExpiredAsync(CancellationToken cancellationToken) =>
        ExecuteAsync(PurgeSql, cancellationToken, timeProvider.GetUtcNow().UtcTicks);

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] values)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, database.Sql(sql), values);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<List<WorkingMemoryEntry>> SelectAsync(string sql, CancellationToken cancellationToken, params object?[] values)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, database.Sql(sql), values);
            return await ReadAllAsync(command, Read, cancellationToken).ConfigureAwait(false);
        }
    }

    private static WorkingMemoryEntry Read(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), PostgresTime.Read(r, 2)!.Value, PostgresTime.Read(r, 4));
}

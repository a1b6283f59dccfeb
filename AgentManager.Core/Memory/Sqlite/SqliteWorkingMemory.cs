using AgentManager.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace AgentManager.Memory.Sqlite;

/// <summary>Working memory in the memory database, so it survives a restart of the process (a resumed
/// workflow finds its values). Every write first deletes every expired value.</summary>
internal sealed class SqliteWorkingMemory(SqliteMemoryDatabase database, TimeProvider timeProvider) : IWorkingMemory
{
    private const string Columns = "key, value, updated_ticks, updated_offset, expires_ticks, expires_offset";
    private const string Live = "(expires_ticks IS NULL OR expires_ticks > $now)";
    private const string PurgeSql = "DELETE FROM working_memory WHERE expires_ticks IS NOT NULL AND expires_ticks <= $now";

    public async Task<WorkingMemoryEntry> SetAsync(string workflowId, string key, string value, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        WorkingMemoryChecks.Key(workflowId, key);
        ArgumentNullException.ThrowIfNull(value);
        var now = timeProvider.GetUtcNow();
        var entry = new WorkingMemoryEntry(key, value, now, WorkingMemoryChecks.ExpiresAt(now, timeToLive));
        await database.WriteAsync(
            writer =>
            {
                writer.Execute(PurgeSql, ("$now", now.UtcTicks));
                return writer.Execute(
                    """
                    INSERT INTO working_memory (workflow_id, key, value, updated_ticks, updated_offset, expires_ticks, expires_offset)
                    VALUES ($workflow_id, $key, $value, $updated_ticks, $updated_offset, $expires_ticks, $expires_offset)
                    ON CONFLICT (workflow_id, key) DO UPDATE SET value = excluded.value, updated_ticks = excluded.updated_ticks,
                        updated_offset = excluded.updated_offset, expires_ticks = excluded.expires_ticks, expires_offset = excluded.expires_offset
                    """,
                    ("$workflow_id", workflowId),
                    ("$key", key),
                    ("$value", value),
                    ("$updated_ticks", now.UtcTicks),
                    ("$updated_offset", (int)now.Offset.TotalMinutes),
                    ("$expires_ticks", entry.ExpiresAt?.UtcTicks),
                    ("$expires_offset", entry.ExpiresAt is { } at ? (int)at.Offset.TotalMinutes : null));
            },
            cancellationToken).ConfigureAwait(false);
        return entry;
    }

    public async Task<WorkingMemoryEntry?> GetAsync(string workflowId, string key, CancellationToken cancellationToken)
    {
        WorkingMemoryChecks.Key(workflowId, key);
        var now = timeProvider.GetUtcNow();
        var entries = await SelectAsync($"SELECT {Columns} FROM working_memory WHERE workflow_id = $workflow_id AND key = $key AND {Live}", cancellationToken, ("$workflow_id", workflowId), ("$key", key), ("$now", now.UtcTicks)).ConfigureAwait(false);
        return entries.Count == 0 ? null : entries[0];
    }

    public async Task<bool> RemoveAsync(string workflowId, string key, CancellationToken cancellationToken)
    {
        WorkingMemoryChecks.Key(workflowId, key);
        var now = timeProvider.GetUtcNow();
        var removed = await database.WriteAsync(
            writer => writer.Execute($"DELETE FROM working_memory WHERE workflow_id = $workflow_id AND key = $key AND {Live}", ("$workflow_id", workflowId), ("$key", key), ("$now", now.UtcTicks)),
            cancellationToken).ConfigureAwait(false);
        return removed > 0;
    }

    public async Task<IReadOnlyList<WorkingMemoryEntry>> ListAsync(string workflowId, CancellationToken cancellationToken)
    {
        Ids.ThrowIfInvalid(workflowId);
        var now = timeProvider.GetUtcNow();
        var entries = await SelectAsync($"SELECT {Columns} FROM working_memory WHERE workflow_id = $workflow_id AND {Live}", cancellationToken, ("$workflow_id", workflowId), ("$now", now.UtcTicks)).ConfigureAwait(false);
        entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return entries;
    }

    public async Task<int> ClearAsync(string workflowId, CancellationToken cancellationToken)
    {
        Ids.ThrowIfInvalid(workflowId);
        var now = timeProvider.GetUtcNow();
        return await database.WriteAsync(
            writer =>
            {
                var live = writer.Execute($"DELETE FROM working_memory WHERE workflow_id = $workflow_id AND {Live}", ("$workflow_id", workflowId), ("$now", now.UtcTicks));
                writer.Execute("DELETE FROM working_memory WHERE workflow_id = $workflow_id", ("$workflow_id", workflowId));
                return live;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        return await database.WriteAsync(writer => writer.Execute(PurgeSql, ("$now", now.UtcTicks)), cancellationToken).ConfigureAwait(false);
    }

    private Task<List<WorkingMemoryEntry>> SelectAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        database.ReadAsync(
            connection =>
            {
                using var command = SqliteMemoryDatabase.Command(connection, sql, parameters);
                using var reader = command.ExecuteReader();
                var entries = new List<WorkingMemoryEntry>();
                while (reader.Read())
                {
                    entries.Add(Read(reader));
                }

                return entries;
            },
            cancellationToken);

    private static WorkingMemoryEntry Read(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), SqliteTime.Read(r, 2)!.Value, SqliteTime.Read(r, 4));
}

using System.Globalization;
using System.Text;
using AgentManager.Memory;
using Npgsql;
using static AgentManager.Storage.Postgres.PostgresCommands;

namespace AgentManager.Storage.Postgres;

/// <summary>The vector index in the shared schema: records with their unit vectors as <c>real[]</c>. Without pgvector,
/// a search is exact: PostgreSQL narrows the records by namespace and tags (GIN index), and the process scores the
/// vectors it streams back, then reads the best records. That is linear in the records scanned, comfortable up to
/// some tens of thousands; a larger memory belongs in a dedicated vector database. Every upsert holds an advisory
/// lock on the schema's index until it commits, so that the dimension check and the write are one step for all
/// hosts: the first vectors fix the dimension, and concurrent first upserts of different dimensions cannot both win.</summary>
internal sealed class PostgresVectorIndex(PostgresDatabase database) : IVectorIndex
{
    private const string RecordColumns = "id, namespace, text, tags, metadata_keys, metadata_values, created_ticks, created_offset";

    private const string UpsertSql = """
        INSERT INTO {schema}.memory_records (id, namespace, text, tags, metadata_keys, metadata_values, created_ticks, created_offset, dimensions, vector)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        ON CONFLICT (id) DO UPDATE SET namespace = excluded.namespace, text = excluded.text, tags = excluded.tags,
            metadata_keys = excluded.metadata_keys, metadata_values = excluded.metadata_values, created_ticks = excluded.created_ticks,
            created_offset = excluded.created_offset, dimensions = excluded.dimensions, vector = excluded.vector
        """;

    private const string DimensionsSql = "SELECT coalesce((SELECT dimensions FROM {schema}.memory_records LIMIT 1), 0)";

    public async Task UpsertAsync(IReadOnlyCollection<VectorEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        VectorMath.CheckDistinctIds(entries);
        var prepared = entries.Select(e => (e.Record, Vector: VectorMath.NormalizeStored(e.Vector.Span, $"record '{e.Record.Id}'"))).ToList();
        VectorMath.CheckDimensions(prepared.Select(p => (p.Record.Id, p.Vector.Length)), 0);
        cancellationToken.ThrowIfCancellationRequested();
        if (prepared.Count == 0)
        {
            return;
        }

        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using (var lockCommand = Command(connection, "SELECT pg_advisory_xact_lock(hashtext('agentmanager.memory.' || $1))", database.Schema))
                {
                    await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                // Read under the lock: a statement sees every upsert committed before the lock was granted.
                using (var probe = Command(connection, database.Sql(DimensionsSql)))
                {
                    var stored = Convert.ToInt32(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                    VectorMath.CheckDimensions(prepared.Select(p => (p.Record.Id, p.Vector.Length)), stored);
                }

                var batch = new NpgsqlBatch(connection, transaction);
                await using (batch.ConfigureAwait(false))
                {
                    var sql = database.Sql(UpsertSql);
                    foreach (var (record, vector) in prepared)
                    {
                        var metadata = record.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
                        batch.BatchCommands.Add(BatchCommand(
                            sql,
                            record.Id,
                            record.Namespace,
                            record.Text,
                            record.Tags.ToArray(),
                            metadata.ConvertAll(p => p.Key).ToArray(),
                            metadata.ConvertAll(p => p.Value).ToArray(),
                            record.CreatedAt.UtcTicks,
                            PostgresTime.Offset(record.CreatedAt),
                            vector.Length,
                            vector));
                    }

                    await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<int> DeleteAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var list = ids.Where(id => id is not null).Distinct(StringComparer.Ordinal).ToArray();
        cancellationToken.ThrowIfCancellationRequested();
        if (list.Length == 0)
        {
            return 0;
        }

        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, database.Sql("DELETE FROM {schema}.memory_records WHERE id = ANY($1)"), (object)list);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<MemoryRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, database.Sql($"SELECT {RecordColumns} FROM {{schema}}.memory_records WHERE id = $1"), id);
            var records = await ReadAllAsync(command, ReadRecord, cancellationToken).ConfigureAwait(false);
            return records.Count == 0 ? null : records[0];
        }
    }

    public async Task<IReadOnlyList<MemorySearchResult>> SearchAsync(ReadOnlyMemory<float> vector, int topK, MemoryFilter? filter, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        var query = VectorMath.NormalizeQuery(vector.Span);
        var length = vector.Length;
        filter ??= MemoryFilter.None;
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            int dimensions;
            using (var probe = Command(connection, database.Sql(DimensionsSql)))
            {
                dimensions = Convert.ToInt32(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            if (dimensions == 0)
            {
                return [];
            }

            if (length != dimensions)
            {
                throw new VectorDimensionMismatchException(dimensions, length, "the query");
            }

            if (query is null)
            {
                return [];
            }

            // The dimension condition keeps the scan right if every record was replaced by vectors of another
            // dimension since the probe.
            var (where, parameters) = Where(filter);
            parameters.Add(dimensions);
            var best = new TopK<string>(topK);
            using (var scan = Command(
                connection,
                database.Sql($"SELECT id, created_ticks, vector FROM {{schema}}.memory_records{where}{(where.Length == 0 ? " WHERE " : " AND ")}dimensions = ${parameters.Count}"),
                [.. parameters]))
            {
                var reader = await scan.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var id = reader.GetString(0);
                        best.Offer(VectorMath.Score(query, reader.GetFieldValue<float[]>(2)), reader.GetInt64(1), id, id);
                    }
                }
            }

            var ranked = best.Best();
            Dictionary<string, MemoryRecord> records;
            using (var read = Command(connection, database.Sql($"SELECT {RecordColumns} FROM {{schema}}.memory_records WHERE id = ANY($1)"), (object)ranked.ConvertAll(r => r.Item).ToArray()))
            {
                records = (await ReadAllAsync(read, ReadRecord, cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.Id, StringComparer.Ordinal);
            }

            // A record deleted by another host between the scan and the read is left out.
            return ranked
                .Where(r => records.ContainsKey(r.Item))
                .Select(r => new MemorySearchResult(records[r.Item], r.Score))
                .ToList();
        }
    }

    public async Task<long> CountAsync(MemoryFilter? filter, CancellationToken cancellationToken)
    {
        filter ??= MemoryFilter.None;
        var (where, parameters) = Where(filter);
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, database.Sql("SELECT count(*) FROM {schema}.memory_records" + where), [.. parameters]);
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    /// <summary>The namespace condition, and the tags as one containment condition that the GIN index serves.</summary>
    private static (string Where, List<object?> Parameters) Where(MemoryFilter filter)
    {
        var sql = new StringBuilder();
        var parameters = new List<object?>();
        if (filter.Namespace is not null)
        {
            parameters.Add(filter.Namespace);
            sql.Append(" WHERE namespace = $1");
        }

        if (filter.Tags.Count > 0)
        {
            parameters.Add(filter.Tags.ToArray());
            sql.Append(sql.Length == 0 ? " WHERE " : " AND ").Append(CultureInfo.InvariantCulture, $"tags @> ${parameters.Count}");
        }

        return (sql.ToString(), parameters);
    }

    private static MemoryRecord ReadRecord(NpgsqlDataReader r)
    {
        var keys = r.GetFieldValue<string[]>(4);
        var values = r.GetFieldValue<string[]>(5);
        var metadata = new Dictionary<string, string>(keys.Length, StringComparer.Ordinal);
        for (var i = 0; i < keys.Length; i++)
        {
            metadata[keys[i]] = values[i];
        }

        return new MemoryRecord
        {
            Id = r.GetString(0),
            Namespace = r.GetString(1),
            Text = r.GetString(2),
            Tags = r.GetFieldValue<string[]>(3),
            Metadata = metadata,
            CreatedAt = PostgresTime.Read(r, 6)!.Value,
        };
    }
}

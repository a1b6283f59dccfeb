using System.Globalization;
using System.Text;
using System.Text.Json;
using AgentManager.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace AgentManager.Memory.Sqlite;

/// <summary>The embedded vector index: records and their unit vectors (float32 BLOBs) in the memory database.
/// A search is exact: it scans the vectors of the records that pass the filter (namespace by index, tags by
/// the tag table) and scores them in C#, then reads the best records. That is linear in the records
/// scanned, comfortable up to some tens of thousands; a larger memory belongs in a dedicated vector
/// database.</summary>
internal sealed class SqliteVectorIndex(SqliteMemoryDatabase database) : IVectorIndex
{
    private const string UpsertSql = """
        INSERT INTO memories (id, namespace, text, tags, metadata, created_ticks, created_offset, dimensions, vector)
        VALUES ($id, $namespace, $text, $tags, $metadata, $created_ticks, $created_offset, $dimensions, $vector)
        ON CONFLICT (id) DO UPDATE SET namespace = excluded.namespace, text = excluded.text, tags = excluded.tags,
            metadata = excluded.metadata, created_ticks = excluded.created_ticks, created_offset = excluded.created_offset,
            dimensions = excluded.dimensions, vector = excluded.vector
        """;

    private const string RecordColumns = "m.id, m.namespace, m.text, m.tags, m.metadata, m.created_ticks, m.created_offset";

    public async Task UpsertAsync(IReadOnlyCollection<VectorEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        VectorMath.CheckDistinctIds(entries);
        var prepared = entries.Select(e => (e.Record, Vector: VectorMath.NormalizeStored(e.Vector.Span, $"record '{e.Record.Id}'"))).ToList();
        if (prepared.Count == 0)
        {
            return;
        }

        await database.WriteAsync(
            writer =>
            {
                var stored = Convert.ToInt32(writer.Scalar("SELECT COALESCE((SELECT dimensions FROM memories LIMIT 1), 0)"), CultureInfo.InvariantCulture);
                VectorMath.CheckDimensions(prepared.Select(p => (p.Record.Id, p.Vector.Length)), stored);
                foreach (var (record, vector) in prepared)
                {
                    writer.Execute(
                        UpsertSql,
                        ("$id", record.Id),
                        ("$namespace", record.Namespace),
                        ("$text", record.Text),
                        ("$tags", JsonSerializer.Serialize(record.Tags.ToArray(), SqliteMemoryJson.Default.StringArray)),
                        ("$metadata", JsonSerializer.Serialize(new Dictionary<string, string>(record.Metadata), SqliteMemoryJson.Default.DictionaryStringString)),
                        ("$created_ticks", record.CreatedAt.UtcTicks),
                        ("$created_offset", (int)record.CreatedAt.Offset.TotalMinutes),
                        ("$dimensions", vector.Length),
                        ("$vector", SqliteMemoryDatabase.ToBlob(vector)));
                    writer.Execute("DELETE FROM memory_tags WHERE memory_id = $id", ("$id", record.Id));
                    foreach (var tag in record.Tags)
                    {
                        writer.Execute("INSERT INTO memory_tags (tag, memory_id) VALUES ($tag, $id)", ("$tag", tag), ("$id", record.Id));
                    }
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> DeleteAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var list = ids.Where(id => id is not null).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return 0;
        }

        return await database.WriteAsync(
            writer => list.Sum(id => writer.Execute("DELETE FROM memories WHERE id = $id", ("$id", id))),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<MemoryRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await database.ReadAsync(
            connection =>
            {
                using var command = SqliteMemoryDatabase.Command(connection, $"SELECT {RecordColumns} FROM memories m WHERE m.id = $id", ("$id", id));
                using var reader = command.ExecuteReader();
                return reader.Read() ? ReadRecord(reader) : null;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<MemorySearchResult>> SearchAsync(ReadOnlyMemory<float> vector, int topK, MemoryFilter? filter, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        var query = VectorMath.NormalizeQuery(vector.Span);
        var length = vector.Length;
        filter ??= MemoryFilter.None;
        return await database.ReadAsync<IReadOnlyList<MemorySearchResult>>(
            connection =>
            {
                int dimensions;
                using (var probe = SqliteMemoryDatabase.Command(connection, "SELECT COALESCE((SELECT dimensions FROM memories LIMIT 1), 0)"))
                {
                    dimensions = Convert.ToInt32(probe.ExecuteScalar(), CultureInfo.InvariantCulture);
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

                var best = new TopK<string>(topK);
                var (where, parameters) = Where(filter);
                using (var scan = SqliteMemoryDatabase.Command(connection, $"SELECT m.id, m.created_ticks, m.vector FROM memories m{where}", parameters))
                using (var reader = scan.ExecuteReader())
                {
                    var buffer = new byte[dimensions * sizeof(float)];
                    var stored = new float[dimensions];
                    while (reader.Read())
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        SqliteMemoryDatabase.ReadVector(reader, 2, buffer, stored);
                        var id = reader.GetString(0);
                        best.Offer(VectorMath.Score(query, stored), reader.GetInt64(1), id, id);
                    }
                }

                var ranked = best.Best();
                var records = ReadRecords(connection, ranked.ConvertAll(r => r.Item));
                return ranked
                    .Where(r => records.ContainsKey(r.Item))
                    .Select(r => new MemorySearchResult(records[r.Item], r.Score))
                    .ToList();
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> CountAsync(MemoryFilter? filter, CancellationToken cancellationToken)
    {
        filter ??= MemoryFilter.None;
        var (where, parameters) = Where(filter);
        return await database.ReadAsync(
            connection =>
            {
                using var command = SqliteMemoryDatabase.Command(connection, $"SELECT COUNT(*) FROM memories m{where}", parameters);
                return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static (string Where, (string Name, object? Value)[] Parameters) Where(MemoryFilter filter)
    {
        var sql = new StringBuilder();
        var parameters = new List<(string Name, object? Value)>();
        if (filter.Namespace is not null)
        {
            sql.Append(" WHERE m.namespace = $namespace");
            parameters.Add(("$namespace", filter.Namespace));
        }

        for (var i = 0; i < filter.Tags.Count; i++)
        {
            sql.Append(sql.Length == 0 ? " WHERE " : " AND ")
                .Append(CultureInfo.InvariantCulture, $"EXISTS (SELECT 1 FROM memory_tags t WHERE t.tag = $tag{i} AND t.memory_id = m.id)");
            parameters.Add(("$tag" + i.ToString(CultureInfo.InvariantCulture), filter.Tags[i]));
        }

        return (sql.ToString(), parameters.ToArray());
    }

    private static Dictionary<string, MemoryRecord> ReadRecords(SqliteConnection connection, List<string> ids)
    {
        var records = new Dictionary<string, MemoryRecord>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(500))
        {
            var names = chunk.Select((_, i) => "$id" + i.ToString(CultureInfo.InvariantCulture)).ToList();
            using var command = SqliteMemoryDatabase.Command(
                connection,
                $"SELECT {RecordColumns} FROM memories m WHERE m.id IN ({string.Join(", ", names)})",
                names.Zip(chunk, (name, id) => (name, (object?)id)).ToArray());
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var record = ReadRecord(reader);
                records[record.Id] = record;
            }
        }

        return records;
    }

    private static MemoryRecord ReadRecord(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        Namespace = r.GetString(1),
        Text = r.GetString(2),
        Tags = JsonSerializer.Deserialize(r.GetString(3), SqliteMemoryJson.Default.StringArray)!,
        Metadata = JsonSerializer.Deserialize(r.GetString(4), SqliteMemoryJson.Default.DictionaryStringString)!,
        CreatedAt = SqliteTime.Read(r, 5)!.Value,
    };
}

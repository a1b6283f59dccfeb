namespace AgentManager.Memory;

/// <summary>The in-process vector index: exact (brute-force) cosine search over every record that passes
/// the filter. Fast for thousands of records; gone when the process ends.</summary>
internal sealed class InMemoryVectorIndex : IVectorIndex
{
    private readonly object _sync = new();
    private readonly Dictionary<string, Stored> _records = new(StringComparer.Ordinal);
    private int _dimensions;

    public Task UpsertAsync(IReadOnlyCollection<VectorEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        cancellationToken.ThrowIfCancellationRequested();
        VectorMath.CheckDistinctIds(entries);
        var prepared = entries.Select(e => new Stored(e.Record, VectorMath.NormalizeStored(e.Vector.Span, $"record '{e.Record.Id}'"))).ToList();
        lock (_sync)
        {
            var dimensions = VectorMath.CheckDimensions(prepared.Select(s => (s.Record.Id, s.Vector.Length)), _records.Count == 0 ? 0 : _dimensions);
            foreach (var stored in prepared)
            {
                _records[stored.Record.Id] = stored;
            }

            if (_records.Count > 0)
            {
                _dimensions = dimensions;
            }
        }

        return Task.CompletedTask;
    }

    public Task<int> DeleteAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        cancellationToken.ThrowIfCancellationRequested();
        var list = ids.ToList();
        lock (_sync)
        {
            var deleted = 0;
            foreach (var id in list)
            {
                if (id is not null && _records.Remove(id))
                {
                    deleted++;
                }
            }

            return Task.FromResult(deleted);
        }
    }

    public Task<MemoryRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            return Task.FromResult(_records.TryGetValue(id, out var stored) ? stored.Record : null);
        }
    }

    public Task<IReadOnlyList<MemorySearchResult>> SearchAsync(ReadOnlyMemory<float> vector, int topK, MemoryFilter? filter, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var query = VectorMath.NormalizeQuery(vector.Span);
        filter ??= MemoryFilter.None;
        var best = new TopK<MemoryRecord>(topK);
        lock (_sync)
        {
            if (_records.Count == 0)
            {
                return Task.FromResult<IReadOnlyList<MemorySearchResult>>([]);
            }

            if (vector.Length != _dimensions)
            {
                throw new VectorDimensionMismatchException(_dimensions, vector.Length, "the query");
            }

            if (query is null)
            {
                return Task.FromResult<IReadOnlyList<MemorySearchResult>>([]);
            }

            foreach (var stored in _records.Values)
            {
                if (filter.Matches(stored.Record))
                {
                    best.Offer(VectorMath.Score(query, stored.Vector), stored.Record.CreatedAt.UtcTicks, stored.Record.Id, stored.Record);
                }
            }
        }

        IReadOnlyList<MemorySearchResult> results = best.Best().ConvertAll(r => new MemorySearchResult(r.Item, r.Score));
        return Task.FromResult(results);
    }

    public Task<long> CountAsync(MemoryFilter? filter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        filter ??= MemoryFilter.None;
        lock (_sync)
        {
            return Task.FromResult((long)_records.Values.Count(s => filter.Matches(s.Record)));
        }
    }

    private sealed record Stored(MemoryRecord Record, float[] Vector);
}

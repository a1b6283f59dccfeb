namespace AgentManager.Memory;

/// <summary>The in-process working memory. Each call on a workflow drops that workflow's expired values,
/// and a write sweeps every workflow at most once a minute (of the <see cref="TimeProvider"/>).</summary>
internal sealed class InMemoryWorkingMemory(TimeProvider timeProvider) : IWorkingMemory
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly object _sync = new();
    private readonly Dictionary<string, SortedDictionary<string, WorkingMemoryEntry>> _workflows = new(StringComparer.Ordinal);
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    public Task<WorkingMemoryEntry> SetAsync(string workflowId, string key, string value, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        WorkingMemoryChecks.Key(workflowId, key);
        ArgumentNullException.ThrowIfNull(value);
        cancellationToken.ThrowIfCancellationRequested();
        var now = timeProvider.GetUtcNow();
        var entry = new WorkingMemoryEntry(key, value, now, WorkingMemoryChecks.ExpiresAt(now, timeToLive));
        lock (_sync)
        {
            if (now - _lastSweep >= SweepInterval || now < _lastSweep)
            {
                Purge(now);
                _lastSweep = now;
            }

            if (!_workflows.TryGetValue(workflowId, out var entries))
            {
                entries = new SortedDictionary<string, WorkingMemoryEntry>(StringComparer.Ordinal);
                _workflows.Add(workflowId, entries);
            }

            entries[key] = entry;
        }

        return Task.FromResult(entry);
    }

    public Task<WorkingMemoryEntry?> GetAsync(string workflowId, string key, CancellationToken cancellationToken)
    {
        WorkingMemoryChecks.Key(workflowId, key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            var entries = Live(workflowId, timeProvider.GetUtcNow());
            return Task.FromResult(entries is not null && entries.TryGetValue(key, out var entry) ? entry : null);
        }
    }

    public Task<bool> RemoveAsync(string workflowId, string key, CancellationToken cancellationToken)
    {
        WorkingMemoryChecks.Key(workflowId, key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            var entries = Live(workflowId, timeProvider.GetUtcNow());
            var removed = entries is not null && entries.Remove(key);
            DropIfEmpty(workflowId, entries);
            return Task.FromResult(removed);
        }
    }

    public Task<IReadOnlyList<WorkingMemoryEntry>> ListAsync(string workflowId, CancellationToken cancellationToken)
    {
        Ids.ThrowIfInvalid(workflowId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            IReadOnlyList<WorkingMemoryEntry> result = Live(workflowId, timeProvider.GetUtcNow())?.Values.ToArray() ?? [];
            return Task.FromResult(result);
        }
    }

    public Task<int> ClearAsync(string workflowId, CancellationToken cancellationToken)
    {
        Ids.ThrowIfInvalid(workflowId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            var count = Live(workflowId, timeProvider.GetUtcNow())?.Count ?? 0;
            _workflows.Remove(workflowId);
            return Task.FromResult(count);
        }
    }

    public Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            var now = timeProvider.GetUtcNow();
            _lastSweep = now;
            return Task.FromResult(Purge(now));
        }
    }

    /// <summary>The workflow's entries with the expired ones dropped, or <see langword="null"/> when none are left.</summary>
    private SortedDictionary<string, WorkingMemoryEntry>? Live(string workflowId, DateTimeOffset now)
    {
        if (!_workflows.TryGetValue(workflowId, out var entries))
        {
            return null;
        }

        DropExpired(entries, now);
        DropIfEmpty(workflowId, entries);
        return entries.Count == 0 ? null : entries;
    }

    private int Purge(DateTimeOffset now)
    {
        var purged = 0;
        foreach (var (workflowId, entries) in _workflows.ToList())
        {
            purged += DropExpired(entries, now);
            DropIfEmpty(workflowId, entries);
        }

        return purged;
    }

    private static int DropExpired(SortedDictionary<string, WorkingMemoryEntry> entries, DateTimeOffset now)
    {
        var expired = entries.Values.Where(e => !WorkingMemoryChecks.IsLive(e, now)).Select(e => e.Key).ToList();
        foreach (var key in expired)
        {
            entries.Remove(key);
        }

        return expired.Count;
    }

    private void DropIfEmpty(string workflowId, SortedDictionary<string, WorkingMemoryEntry>? entries)
    {
        if (entries is { Count: 0 })
        {
            _workflows.Remove(workflowId);
        }
    }
}

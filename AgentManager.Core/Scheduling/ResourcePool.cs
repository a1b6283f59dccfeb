namespace AgentManager.Scheduling;

/// <summary>Counts how many running tasks hold each resource key, against each key's capacity.</summary>
/// <remarks>Not thread-safe: the engine loop is its only user.</remarks>
internal sealed class ResourcePool
{
    private readonly Dictionary<string, int> _inUse = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, int> _capacities;
    private readonly int _defaultCapacity;

    public ResourcePool(IReadOnlyDictionary<string, int> capacities, int defaultCapacity)
    {
        _capacities = capacities;
        _defaultCapacity = defaultCapacity;
    }

    public int CapacityOf(string key) => _capacities.TryGetValue(key, out var capacity) ? capacity : _defaultCapacity;

    public int InUse(string key) => _inUse.TryGetValue(key, out var count) ? count : 0;

    /// <summary>Takes one unit of every key, or none of them.</summary>
    /// <returns>The first key that has no free unit, or <see langword="null"/> when all were taken.</returns>
    public string? TryAcquireAll(string[] keys)
    {
        foreach (var key in keys)
        {
            if (InUse(key) >= CapacityOf(key))
            {
                return key;
            }
        }

        foreach (var key in keys)
        {
            _inUse[key] = InUse(key) + 1;
        }

        return null;
    }

    public void ReleaseAll(string[] keys)
    {
        foreach (var key in keys)
        {
            var count = InUse(key) - 1;
            if (count < 0)
            {
                throw new InvalidOperationException($"Resource '{key}' was released more often than acquired.");
            }

            if (count == 0)
            {
                _inUse.Remove(key);
            }
            else
            {
                _inUse[key] = count;
            }
        }
    }
}

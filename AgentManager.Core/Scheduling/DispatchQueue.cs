namespace AgentManager.Scheduling;

/// <summary>The queue of ready work: highest priority first, first-in first-out among equal priorities,
/// and an item is only handed out when every resource key it declares has a free unit.</summary>
/// <remarks>An item whose resources are busy waits beside the queue under the busy key, so it never
/// blocks items behind it; releasing that key puts it back with its original place in line.
/// Not thread-safe: the engine loop is its only user.</remarks>
/// <typeparam name="T">The queued item.</typeparam>
internal sealed class DispatchQueue<T>
{
    private static readonly string[] NoResources = [];

    private readonly PriorityQueue<Entry, (int Priority, long Sequence)> _queue = new(EntryOrder.Instance);
    private readonly Dictionary<string, List<Entry>> _waiting = new(StringComparer.Ordinal);
    private readonly ResourcePool _pool;
    private long _sequence;
    private int _waitingCount;

    public DispatchQueue(ResourcePool pool)
    {
        _pool = pool;
    }

    /// <summary>Gets how many items are queued, those waiting for a resource included.</summary>
    public int Count => _queue.Count + _waitingCount;

    public void Enqueue(T item, int priority, string[]? resources)
    {
        var entry = new Entry(item, resources is { Length: > 0 } ? resources : NoResources);
        _queue.Enqueue(entry, (priority, _sequence++));
    }

    /// <summary>Hands out the first item in line whose resources are all free, and takes those resources.</summary>
    public bool TryDequeue(out T item, out string[] resources)
    {
        while (_queue.TryDequeue(out var entry, out var order))
        {
            var busy = entry.Resources.Length == 0 ? null : _pool.TryAcquireAll(entry.Resources);
            if (busy is null)
            {
                item = entry.Item;
                resources = entry.Resources;
                return true;
            }

            entry.Order = order;
            if (!_waiting.TryGetValue(busy, out var list))
            {
                list = [];
                _waiting[busy] = list;
            }

            list.Add(entry);
            _waitingCount++;
        }

        item = default!;
        resources = NoResources;
        return false;
    }

    /// <summary>Gives back the resources an item took, so items waiting for them get back in line.</summary>
    public void Release(string[] resources)
    {
        if (resources.Length == 0)
        {
            return;
        }

        _pool.ReleaseAll(resources);
        foreach (var key in resources)
        {
            if (_waiting.Remove(key, out var list))
            {
                _waitingCount -= list.Count;
                foreach (var entry in list)
                {
                    _queue.Enqueue(entry, entry.Order);
                }
            }
        }
    }

    private sealed class Entry(T item, string[] resources)
    {
        public T Item { get; } = item;

        public string[] Resources { get; } = resources;

        public (int Priority, long Sequence) Order { get; set; }
    }

    private sealed class EntryOrder : IComparer<(int Priority, long Sequence)>
    {
        public static readonly EntryOrder Instance = new();

        public int Compare((int Priority, long Sequence) x, (int Priority, long Sequence) y)
        {
            var byPriority = y.Priority.CompareTo(x.Priority);
            return byPriority != 0 ? byPriority : x.Sequence.CompareTo(y.Sequence);
        }
    }
}

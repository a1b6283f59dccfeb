using System.Runtime.CompilerServices;

namespace AgentManager.Scheduling;

/// <summary>The queue of ready work: highest priority first, first-in first-out among equal priorities,
/// and an item is only handed out when every resource key it declares has a free unit.</summary>
/// <remarks>
/// <para>New items wait in one first-in first-out line per priority. An item whose resources are busy
/// waits beside them in its busy key's own line (ordered by priority, then arrival), so it never blocks
/// items behind it. A key that has free units and a waiting line is "open": <see cref="TryDequeue"/>
/// takes the best of the highest priority's head and the heads of the open keys' lines, so releasing a
/// key costs O(log n), not a re-queue of everything waiting on it.</para>
/// <para>Not thread-safe: the engine loop is its only user.</para>
/// </remarks>
/// <typeparam name="T">The queued item.</typeparam>
internal sealed class DispatchQueue<T>
{
    private static readonly string[] NoResources = [];

    // Items not yet tried: one first-in first-out line per priority, the non-empty ones highest first.
    // Enqueue and dequeue are O(1) plus O(number of priorities) when a priority appears or empties.
    private readonly Dictionary<int, Queue<Entry>> _linesByPriority = [];
    private readonly List<Queue<Entry>> _lines = [];
    private readonly Dictionary<string, PriorityQueue<Entry, Order>> _waiting = new(StringComparer.Ordinal);

    // Candidate open keys, each with the order of its line's head when recorded. Records go stale when
    // the key fills up or its head changes; they are checked and dropped when they reach the top.
    private readonly PriorityQueue<string, Order> _open = new(OrderComparer.Instance);

    // The newest record of each key still in _open, so a key released again and again while its line's
    // head stays the same is recorded once.
    private readonly Dictionary<string, Order> _newestRecord = new(StringComparer.Ordinal);
    private readonly ResourcePool _pool;
    private Queue<Entry>? _lastLine;
    private int _lastPriority;
    private long _sequence;
    private int _queuedCount;
    private int _waitingCount;

    public DispatchQueue(ResourcePool pool)
    {
        _pool = pool;
    }

    /// <summary>Gets how many items are queued, those waiting for a resource included.</summary>
    public int Count => _queuedCount + _waitingCount;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every task made ready
    public void Enqueue(T item, int priority, string[]? resources)
    {
        // Most items share one priority: its line is kept at hand instead of looked up per item.
        var line = _lastLine;
        if (line is null || priority != _lastPriority)
        {
            if (!_linesByPriority.TryGetValue(priority, out line))
            {
                line = new Queue<Entry>();
                _linesByPriority[priority] = line;
            }

            (_lastLine, _lastPriority) = (line, priority);
        }

        if (line.Count == 0)
        {
            var at = 0;
            while (at < _lines.Count && _lines[at].Peek().Order.Priority > priority)
            {
                at++;
            }

            _lines.Insert(at, line);
        }

        line.Enqueue(new Entry(item, resources is { Length: > 0 } ? resources : NoResources, new Order(priority, _sequence++)));
        _queuedCount++;
    }

    /// <summary>Makes room for <paramref name="count"/> more items of one priority (a large workflow's start), so that its
    /// line takes one array instead of a doubling series of them on the large object heap.</summary>
    public void Reserve(int priority, int count)
    {
        if (_linesByPriority.TryGetValue(priority, out var line))
        {
            line.EnsureCapacity(line.Count + count);
        }
        else
        {
            _linesByPriority[priority] = new Queue<Entry>(count);
        }
    }

    /// <summary>Hands out the first item in line whose resources are all free, and takes those resources.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every dispatch
    public bool TryDequeue(out T item, out string[] resources)
    {
        while (true)
        {
            var fromQueue = _lines.Count > 0;
            var queueHead = fromQueue ? _lines[0].Peek().Order : default;
            var openKey = PeekOpenKey(out var keyHead);
            if (!fromQueue && openKey is null)
            {
                item = default!;
                resources = NoResources;
                return false;
            }

            Entry entry;
            if (openKey is not null && (!fromQueue || OrderComparer.Instance.Compare(keyHead, queueHead) < 0))
            {
                var line = _waiting[openKey];
                entry = line.Dequeue();
                _waitingCount--;
                PopOpenRecord();
                if (line.Count == 0)
                {
                    _waiting.Remove(openKey);
                }
                else
                {
                    RecordOpen(openKey, line.Peek().Order);
                }
            }
            else
            {
                entry = _lines[0].Dequeue();
                _queuedCount--;
                if (_lines[0].Count == 0)
                {
                    _lines.RemoveAt(0);
                }
            }

            var busy = entry.Resources.Length == 0 ? null : _pool.TryAcquireAll(entry.Resources);
            if (busy is null)
            {
                item = entry.Item;
                resources = entry.Resources;
                return true;
            }

            Wait(entry, busy);
        }
    }

    /// <summary>Gives back the resources an item took; a key that gets a free unit opens its waiting line.</summary>
    public void Release(string[] resources)
    {
        if (resources.Length == 0)
        {
            return;
        }

        _pool.ReleaseAll(resources);
        foreach (var key in resources)
        {
            if (_waiting.TryGetValue(key, out var line))
            {
                RecordOpen(key, line.Peek().Order);
            }
        }
    }

    /// <summary>Parks an item in the line of a key that has no free unit.</summary>
    private void Wait(Entry entry, string busyKey)
    {
        if (!_waiting.TryGetValue(busyKey, out var line))
        {
            line = new PriorityQueue<Entry, Order>(OrderComparer.Instance);
            _waiting[busyKey] = line;
        }

        line.Enqueue(entry, entry.Order);
        _waitingCount++;
    }

    /// <summary>Finds the open key whose waiting head comes first, dropping stale records on the way.</summary>
    private string? PeekOpenKey(out Order head)
    {
        while (_open.TryPeek(out var key, out head))
        {
            if (_waiting.TryGetValue(key, out var line)
                && line.Peek().Order == head
                && _pool.InUse(key) < _pool.CapacityOf(key))
            {
                return key;
            }

            PopOpenRecord();
        }

        return null;
    }

    private void RecordOpen(string key, Order head)
    {
        if (!_newestRecord.TryGetValue(key, out var newest) || newest != head)
        {
            _newestRecord[key] = head;
            _open.Enqueue(key, head);
        }
    }

    private void PopOpenRecord()
    {
        _open.TryDequeue(out var key, out var order);
        if (_newestRecord.TryGetValue(key!, out var newest) && newest == order)
        {
            _newestRecord.Remove(key!);
        }
    }

    private readonly record struct Order(int Priority, long Sequence);

    // A struct: the lines hold entries by value, not an object per queued item.
    private readonly struct Entry(T item, string[] resources, Order order)
    {
        public T Item { get; } = item;

        public string[] Resources { get; } = resources;

        public Order Order { get; } = order;
    }

    private sealed class OrderComparer : IComparer<Order>
    {
        public static readonly OrderComparer Instance = new();

        public int Compare(Order x, Order y)
        {
            var byPriority = y.Priority.CompareTo(x.Priority);
            return byPriority != 0 ? byPriority : x.Sequence.CompareTo(y.Sequence);
        }
    }
}

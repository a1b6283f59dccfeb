namespace AgentManager.Graph;

/// <summary>Task id to task index: an open-addressing hash table (linear probing, at most half full) whose
/// slots hold the id, its hash and the index together, so a look-up touches one slot.</summary>
/// <remarks>
/// <para>Bulk loads resolve millions of ids in random order, where each look-up waits on memory rather
/// than computing. <see cref="FindAll"/> hashes a block of ids, then touches their slots, then compares,
/// so the processor overlaps the cache misses of a block instead of taking them one after the other
/// (about twice as fast as <see cref="Dictionary{TKey, TValue}"/> look-ups on a 1,000,000-id graph).</para>
/// <para>Hashes are <see cref="string.GetHashCode()"/>, randomized per process. Not thread-safe.</para>
/// </remarks>
internal sealed class TaskIndex
{
    private const int Block = 64;

    private Slot[] _slots;
    private int _mask;
    private int _touched;

    public TaskIndex(int capacity = 0)
    {
        var size = 16;
        while (size < 2 * capacity)
        {
            size <<= 1;
        }

        _slots = new Slot[size];
        _mask = size - 1;
    }

    public int Count { get; private set; }

    /// <summary>Gets every id with its index, in no particular order.</summary>
    public IEnumerable<(string Id, int Index)> Entries
    {
        get
        {
            foreach (var slot in _slots)
            {
                if (slot.Key is not null)
                {
                    yield return (slot.Key, slot.Value);
                }
            }
        }
    }

    public bool ContainsKey(string key) => Find(key, key.GetHashCode()) >= 0;

    public bool TryGetValue(string key, out int value)
    {
        var at = Find(key, key.GetHashCode());
        value = at >= 0 ? _slots[at].Value : -1;
        return at >= 0;
    }

    /// <summary>Adds an id; returns <see langword="false"/> when it is already there.</summary>
    public bool TryAdd(string key, int value)
    {
        var hash = key.GetHashCode();
        if (Find(key, hash) >= 0)
        {
            return false;
        }

        if (2 * (Count + 1) > _slots.Length)
        {
            Grow();
        }

        Insert(key, hash, value);
        Count++;
        return true;
    }

    public bool Remove(string key, out int value)
    {
        var at = Find(key, key.GetHashCode());
        if (at < 0)
        {
            value = -1;
            return false;
        }

        value = _slots[at].Value;
        Count--;

        // Backward-shift deletion: move later slots of the probe run into the gap so every remaining
        // id is still reachable from its home slot without tombstones.
        var gap = at;
        for (var next = (gap + 1) & _mask; _slots[next].Key is not null; next = (next + 1) & _mask)
        {
            var home = _slots[next].Hash & _mask;
            var reachable = gap <= next ? home > gap && home <= next : home > gap || home <= next;
            if (!reachable)
            {
                _slots[gap] = _slots[next];
                gap = next;
            }
        }

        _slots[gap] = default;
        return true;
    }

    /// <summary>Looks up many ids: <paramref name="values"/>[i] is the index of <paramref name="keys"/>[i],
    /// or −1 when it is not here.</summary>
    public void FindAll(ReadOnlySpan<string> keys, Span<int> values)
    {
        Span<int> hashes = stackalloc int[Block];
        for (var start = 0; start < keys.Length; start += Block)
        {
            var count = Math.Min(Block, keys.Length - start);
            var block = keys.Slice(start, count);
            for (var i = 0; i < count; i++)
            {
                hashes[i] = block[i].GetHashCode();
            }

            // Touch each home slot first, so the misses of the block overlap.
            var touched = 0;
            for (var i = 0; i < count; i++)
            {
                touched |= _slots[hashes[i] & _mask].Hash;
            }

            for (var i = 0; i < count; i++)
            {
                var at = Find(block[i], hashes[i]);
                values[start + i] = at >= 0 ? _slots[at].Value : -1;
            }

            // Kept, so the compiler cannot drop the touching loads as unused.
            _touched = touched;
        }
    }

    private int Find(string key, int hash)
    {
        for (var at = hash & _mask; ; at = (at + 1) & _mask)
        {
            ref var slot = ref _slots[at];
            if (slot.Key is null)
            {
                return -1;
            }

            if (slot.Hash == hash && string.Equals(slot.Key, key, StringComparison.Ordinal))
            {
                return at;
            }
        }
    }

    private void Insert(string key, int hash, int value)
    {
        var at = hash & _mask;
        while (_slots[at].Key is not null)
        {
            at = (at + 1) & _mask;
        }

        _slots[at] = new Slot(key, hash, value);
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new Slot[old.Length * 2];
        _mask = _slots.Length - 1;
        foreach (var slot in old)
        {
            if (slot.Key is not null)
            {
                Insert(slot.Key, slot.Hash, slot.Value);
            }
        }
    }

    private readonly record struct Slot(string? Key, int Hash, int Value);
}

namespace AgentManager.Persistence;

/// <summary>An append-mostly list kept in segments of at most <see cref="SegmentSize"/> items, for the in-memory
/// store's history: growing it never copies what it holds (past its first segment) and never makes an array large
/// enough for the large object heap, which a <see cref="List{T}"/> of a few hundred thousand entries does on every
/// doubling.</summary>
internal sealed class SegmentedList<T>
{
    private const int Shift = 11;
    private const int SegmentSize = 1 << Shift;
    private const int Mask = SegmentSize - 1;

    private readonly List<T[]> _segments = [];

    public int Count { get; private set; }

    public T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return _segments[index >> Shift][index & Mask];
        }
    }

    public void Add(T item)
    {
        var segment = Count >> Shift;
        if (segment == _segments.Count)
        {
            _segments.Add(new T[segment == 0 ? 4 : SegmentSize]);
        }
        else if ((Count & Mask) == _segments[segment].Length)
        {
            // Only the first segment starts small and grows, so that a short history stays small.
            var grown = _segments[segment];
            Array.Resize(ref grown, Math.Min(2 * grown.Length, SegmentSize));
            _segments[segment] = grown;
        }

        _segments[segment][Count & Mask] = item;
        Count++;
    }

    /// <summary>Removes the items that match, keeping the order of the others.</summary>
    public void RemoveAll(Func<T, bool> match)
    {
        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            var item = _segments[i >> Shift][i & Mask];
            if (!match(item))
            {
                _segments[kept >> Shift][kept & Mask] = item;
                kept++;
            }
        }

        for (var i = kept; i < Count; i++)
        {
            _segments[i >> Shift][i & Mask] = default!;
        }

        Count = kept;
        var needed = (kept + Mask) >> Shift;
        _segments.RemoveRange(needed, _segments.Count - needed);
    }

    public T[] ToArray()
    {
        var all = new T[Count];
        for (var i = 0; i < Count; i++)
        {
            all[i] = _segments[i >> Shift][i & Mask];
        }

        return all;
    }
}

using System.Runtime.CompilerServices;

namespace AgentManager.Persistence;

/// <summary>An append-mostly list kept in segments, for the in-memory store's history and log: growing it never copies
/// what it holds (past its first segment) and never makes an array large enough for the large object heap, which a
/// <see cref="List{T}"/> of a few hundred thousand entries does on every doubling. A segment holds at most 2,048 items,
/// fewer for items too large for 2,048 of them to stay under the large object threshold (85,000 bytes).</summary>
internal sealed class SegmentedList<T>
{
    private static int Shift
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ShiftFor(Unsafe.SizeOf<T>()); // a constant of the JIT for each T
    }

    private static int SegmentSize => 1 << Shift;

    private static int Mask => SegmentSize - 1;

    private readonly List<T[]> _segments = [];

    public int Count { get; private set; }

    /// <summary>Gets the number of items a full segment holds.</summary>
    internal static int ItemsPerSegment => SegmentSize;

    public T this[int index] => ItemRef(index);

    /// <summary>Gets a reference to the item at <paramref name="index"/>, to change it in place.</summary>
    public ref T ItemRef(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return ref _segments[index >> Shift][index & Mask];
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

    /// <summary>Makes the first segment of an empty list large enough for <paramref name="capacity"/> items (at most a
    /// full segment), so that it does not grow through copies.</summary>
    public void Reserve(int capacity)
    {
        if (_segments.Count == 0 && capacity > 4)
        {
            _segments.Add(new T[Math.Min((int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity), SegmentSize)]);
        }
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

    /// <summary>The shift of the largest segment (a power of two, at most 2,048 items) whose array of
    /// <paramref name="itemSize"/>-byte items stays below the large object threshold (85,000 bytes, the array's header
    /// included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int ShiftFor(int itemSize) => itemSize switch
    {
        <= 41 => 11,
        <= 82 => 10,
        <= 165 => 9,
        <= 331 => 8,
        <= 663 => 7,
        <= 1327 => 6,
        <= 2655 => 5,
        _ => 4,
    };
}

namespace AgentManager.Graph;

/// <summary>A set of task indexes with add, remove and membership in O(1) and enumeration in O(its size), without
/// hashing: a position per index and the members packed in an array (a sparse set).</summary>
/// <remarks>
/// <para>4 bytes per index the graph has room for, plus 4 per member: about half of what a sized
/// <see cref="HashSet{T}"/> of all the tasks took (a 100,000-task workflow with no dependencies has every task ready at
/// first).</para>
/// <para>Removing a member moves the last one into its place: members are not enumerated in the order they were
/// added. Not thread-safe, like <see cref="TaskGraph"/>.</para>
/// </remarks>
internal sealed class IndexSet
{
    private int[] _slot = [];
    private int[] _members = [];

    public int Count { get; private set; }

    /// <summary>Gets a number that changes whenever the members change, for enumerators to notice.</summary>
    public int Version { get; private set; }

    /// <summary>Gets the member at <paramref name="position"/>, below <see cref="Count"/>.</summary>
    public int this[int position] => _members[position];

    /// <summary>Makes room for indexes 0 to <paramref name="indexCount"/> − 1.</summary>
    public void EnsureIndexes(int indexCount)
    {
        if (indexCount > _slot.Length)
        {
            Array.Resize(ref _slot, indexCount);
        }
    }

    /// <summary>Makes room for <paramref name="memberCount"/> members without growing the array one doubling at a time.</summary>
    public void EnsureMembers(int memberCount)
    {
        if (memberCount > _members.Length)
        {
            Array.Resize(ref _members, memberCount);
        }
    }

    public bool Contains(int index) => _slot[index] != 0;

    public bool Add(int index)
    {
        if (_slot[index] != 0)
        {
            return false;
        }

        if (Count == _members.Length)
        {
            Array.Resize(ref _members, Math.Max(16, 2 * Count));
        }

        _members[Count++] = index;
        _slot[index] = Count; // the position plus one: 0 means not a member
        Version++;
        return true;
    }

    public bool Remove(int index)
    {
        var slot = _slot[index];
        if (slot == 0)
        {
            return false;
        }

        var last = _members[--Count];
        _members[slot - 1] = last;
        _slot[last] = slot;
        _slot[index] = 0;
        Version++;
        return true;
    }
}

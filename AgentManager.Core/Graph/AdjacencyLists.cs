namespace AgentManager.Graph;

/// <summary>One direction of a graph's edges: for each vertex, its neighbours in the order they were added,
/// as a slice of one shared array (compressed sparse rows that may grow).</summary>
/// <remarks>
/// <para>A bulk load lays its vertices' slices out back to back in one pass, with no object per vertex
/// or edge. A slice that fills up moves to the end of the array with twice the room; the holes left
/// behind are reclaimed by compacting when the array would otherwise grow.</para>
/// <para>Rows taken over whole (<see cref="Adopt"/>, a workflow's graph) are read through their offsets until the
/// first change: the per-vertex start, count and room arrays (three arrays of the vertex count, kept for the graph's
/// life) are made only when a slice changes, which an engine's run does not do.</para>
/// <para>Not thread-safe, like <see cref="TaskGraph"/>.</para>
/// </remarks>
internal sealed class AdjacencyLists
{
    private const int FirstSliceCapacity = 4;

    private int[] _start = [];
    private int[] _count = [];
    private int[] _capacity = [];
    private int[] _pool = [];
    private int _used;
    private int _live;

    // The adopted rows' offsets (vertex v's slice is _pool[_offsets[v] .. _offsets[v + 1]]) while no slice has changed;
    // null once _start, _count and _capacity describe the slices.
    private int[]? _offsets;
    private int _adopted;

    /// <summary>Gets the neighbours of a vertex, in the order they were added.</summary>
    public ReadOnlySpan<int> Of(int vertex) => _offsets is { } offsets
        ? _pool.AsSpan(offsets[vertex], CountOf(offsets, vertex))
        : _pool.AsSpan(_start[vertex], _count[vertex]);

    public int CountOf(int vertex) => _offsets is { } offsets ? CountOf(offsets, vertex) : _count[vertex];

    public bool Contains(int vertex, int neighbour) => Of(vertex).Contains(neighbour);

    /// <summary>Makes room for vertices 0 to <paramref name="vertexCount"/> − 1.</summary>
    public void EnsureVertices(int vertexCount)
    {
        Materialize();
        if (vertexCount > _start.Length)
        {
            Array.Resize(ref _start, vertexCount);
            Array.Resize(ref _count, vertexCount);
            Array.Resize(ref _capacity, vertexCount);
        }
    }

    public void Add(int vertex, int neighbour)
    {
        Materialize();
        if (_count[vertex] == _capacity[vertex])
        {
            Move(vertex, Math.Max(FirstSliceCapacity, 2 * _capacity[vertex]));
        }

        _pool[_start[vertex] + _count[vertex]++] = neighbour;
        _live++;
    }

    /// <summary>Removes the first occurrence of <paramref name="neighbour"/>, keeping the others' order.</summary>
    public bool Remove(int vertex, int neighbour)
    {
        Materialize();
        var slice = _pool.AsSpan(_start[vertex], _count[vertex]);
        var at = slice.IndexOf(neighbour);
        if (at < 0)
        {
            return false;
        }

        slice[(at + 1)..].CopyTo(slice[at..]);
        _count[vertex]--;
        _live--;
        return true;
    }

    public void Clear(int vertex)
    {
        Materialize();
        _live -= _count[vertex];
        _count[vertex] = 0;
    }

    /// <summary>Gives the new vertices <paramref name="first"/>, <paramref name="first"/> + 1, …, which have
    /// no neighbours yet, exact slices copied from compressed rows: vertex <c>first + i</c> gets
    /// <c>neighbours[offsets[i] .. offsets[i + 1]]</c>.</summary>
    public void AddSlices(int first, ReadOnlySpan<int> offsets, int[] neighbours)
    {
        Materialize();
        var vertices = offsets.Length - 1;
        var from = offsets[0];
        var length = offsets[vertices] - from;
        EnsurePool(length);
        neighbours.AsSpan(from, length).CopyTo(_pool.AsSpan(_used));
        for (var i = 0; i < vertices; i++)
        {
            var vertex = first + i;
            _start[vertex] = _used + offsets[i] - from;
            _count[vertex] = offsets[i + 1] - offsets[i];
            _capacity[vertex] = _count[vertex];
        }

        _used += length;
        _live += length;
    }

    /// <summary>Takes compressed rows over as the whole of an empty instance: vertex v gets
    /// <c>neighbours[offsets[v] .. offsets[v + 1]]</c> for v below <paramref name="vertices"/>; the array becomes the
    /// pool (entries past the last row are free room), and both arrays are kept, not copied: the caller no longer
    /// changes them.</summary>
    public void Adopt(int[] offsets, int[] neighbours, int vertices)
    {
        if (_used != 0)
        {
            throw new InvalidOperationException("Only an empty instance adopts rows.");
        }

        _offsets = offsets;
        _adopted = vertices;
        _pool = neighbours;
        _used = offsets[vertices];
        _live = _used;
    }

    private static int CountOf(int[] offsets, int vertex) => offsets[vertex + 1] - offsets[vertex];

    /// <summary>Describes adopted rows by start, count and room, before the first change of a slice.</summary>
    private void Materialize()
    {
        if (_offsets is not { } offsets)
        {
            return;
        }

        _start = new int[_adopted];
        _count = new int[_adopted];
        _capacity = new int[_adopted];
        for (var v = 0; v < _adopted; v++)
        {
            _start[v] = offsets[v];
            _count[v] = CountOf(offsets, v);
            _capacity[v] = _count[v];
        }

        _offsets = null;
    }

    private void Move(int vertex, int capacity)
    {
        EnsurePool(capacity);
        _pool.AsSpan(_start[vertex], _count[vertex]).CopyTo(_pool.AsSpan(_used));
        _start[vertex] = _used;
        _capacity[vertex] = capacity;
        _used += capacity;
    }

    /// <summary>Makes room for <paramref name="extra"/> more entries at the end: compacts when at least
    /// half of the array is holes, grows it otherwise.</summary>
    private void EnsurePool(int extra)
    {
        if (_used + extra <= _pool.Length)
        {
            return;
        }

        var needed = _live + extra;
        var pool = _live * 2 <= _used ? _pool : null;
        if (pool is null || needed > pool.Length)
        {
            pool = new int[Math.Max(needed, Math.Max(16, _pool.Length * 2))];
        }

        Compact(pool);
    }

    /// <summary>Copies every slice, at its current count, to the front of <paramref name="target"/>
    /// (which may be the pool itself: slices are copied in order of their start, so never forward over
    /// one not yet copied).</summary>
    private void Compact(int[] target)
    {
        var vertices = new int[_start.Length];
        var n = 0;
        for (var v = 0; v < _start.Length; v++)
        {
            if (_capacity[v] > 0)
            {
                vertices[n++] = v;
            }
        }

        var order = vertices.AsSpan(0, n);
        order.Sort((a, b) => _start[a].CompareTo(_start[b]));
        var used = 0;
        foreach (var v in order)
        {
            _pool.AsSpan(_start[v], _count[v]).CopyTo(target.AsSpan(used));
            _start[v] = used;
            _capacity[v] = _count[v];
            used += _count[v];
        }

        _pool = target;
        _used = used;
    }
}

namespace AgentManager.Graph;

/// <summary>Adding many tasks and dependencies at once, validated in one pass.</summary>
public sealed partial class TaskGraph
{
    /// <summary>Adds tasks and dependencies as one all-or-nothing change, validated in a single O(V+E) pass:
    /// ids valid and new, every dependency naming a task of the graph or the batch, and no cycle.</summary>
    /// <param name="taskIds">The new tasks.</param>
    /// <param name="dependencies">Dependencies among new and existing tasks.</param>
    /// <exception cref="ArgumentException">An id is malformed.</exception>
    /// <exception cref="DuplicateTaskException">A new id is taken or repeated.</exception>
    /// <exception cref="TaskNotFoundException">A dependency names an unknown task.</exception>
    /// <exception cref="DependencyCycleException">The batch would close a cycle.</exception>
    /// <remarks>The edges are counted, grouped and de-duplicated with arrays indexed by task (counting
    /// sort, no hashing of edges), and the new tasks' adjacency is laid out in one piece.</remarks>
    public void AddRange(IEnumerable<string> taskIds, IEnumerable<TaskDependency> dependencies)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        ArgumentNullException.ThrowIfNull(dependencies);
        var newIds = taskIds as IReadOnlyList<string> ?? taskIds.ToList();
        var first = _next;
        var batch = new TaskIndex(newIds.Count);
        foreach (var id in newIds)
        {
            Ids.ThrowIfInvalid(id, nameof(taskIds));
            if (_indexOf.ContainsKey(id) || !batch.TryAdd(id, first + batch.Count))
            {
                throw new DuplicateTaskException(id);
            }
        }

        var total = first + newIds.Count;
        var incoming = GroupByDependent(ResolveAll(batch, dependencies), total, first);
        var outgoing = incoming.Reverse(total);
        var intoExisting = incoming.Offsets[first] > 0;
        var lowest = intoExisting ? 0 : first;
        var order = Kahn(lowest, total, first, incoming, outgoing, out var sorted);
        if (sorted < total - lowest)
        {
            ThrowCycle(lowest, total, first, incoming, order, sorted, newIds);
        }

        Apply(newIds, batch, incoming, outgoing, order, lowest);
    }

    private EdgeList ResolveAll(TaskIndex batch, IEnumerable<TaskDependency> dependencies)
    {
        var edges = new EdgeList(dependencies.TryGetNonEnumeratedCount(out var count) ? count : 16);
        var block = new Block();
        foreach (var dependency in dependencies)
        {
            if (!block.TryAdd(dependency))
            {
                ResolveBlock(batch, block, edges);
                block.Clear();
                block.TryAdd(dependency);
            }
        }

        ResolveBlock(batch, block, edges);
        return edges;
    }

    /// <summary>Resolves a block of dependencies' ids with one <see cref="TaskIndex.FindAll"/> per index.</summary>
    private void ResolveBlock(TaskIndex batch, Block block, EdgeList edges)
    {
        var names = block.Names;
        var found = block.Indexes;
        batch.FindAll(names, found);
        for (var i = 0; i < names.Length; i++)
        {
            if (found[i] < 0 && _indexOf.TryGetValue(names[i], out var existing))
            {
                found[i] = existing;
            }
        }

        for (var d = 0; d < block.Count; d++)
        {
            var dependency = block.Dependencies[d];
            var (dependent, prerequisite) = (found[block.TaskName[d]], found[block.DependsOnName[d]]);
            if (dependent < 0 || prerequisite < 0)
            {
                var missing = dependent < 0 ? dependency.TaskId : dependency.DependsOn;
                throw new TaskNotFoundException(missing, $"Dependency '{dependency.TaskId}' -> '{dependency.DependsOn}' names task '{missing}', which is neither in the graph nor in the batch.");
            }

            if (dependent == prerequisite)
            {
                throw new DependencyCycleException([dependency.TaskId, dependency.TaskId], "Adding these dependencies");
            }

            edges.Add(dependent, prerequisite);
        }
    }

    /// <summary>Groups the edges by dependent, keeping their order, and drops repeated edges and edges
    /// the graph already has.</summary>
    private Csr GroupByDependent(EdgeList edges, int total, int first)
    {
        var offsets = new int[total + 1];
        for (var i = 0; i < edges.Count; i++)
        {
            offsets[edges.Dependents[i] + 1]++;
        }

        for (var v = 0; v < total; v++)
        {
            offsets[v + 1] += offsets[v];
        }

        var prerequisites = new int[edges.Count];
        for (var i = 0; i < edges.Count; i++)
        {
            prerequisites[offsets[edges.Dependents[i]]++] = edges.Prerequisites[i];
        }

        // offsets[v] now ends v's group: shift back so that it starts it.
        for (var v = total; v > 0; v--)
        {
            offsets[v] = offsets[v - 1];
        }

        offsets[0] = 0;

        // stamp[p] == v + 1 marks p as already a dependency of v (from the graph or earlier in the batch).
        var stamp = new int[total];
        var kept = 0;
        for (var v = 0; v < total; v++)
        {
            var (start, end) = (offsets[v], offsets[v + 1]);
            offsets[v] = kept;
            if (start == end)
            {
                continue;
            }

            if (v < first)
            {
                foreach (var existing in _dependencies.Of(v))
                {
                    stamp[existing] = v + 1;
                }
            }

            for (var k = start; k < end; k++)
            {
                var p = prerequisites[k];
                if (stamp[p] != v + 1)
                {
                    stamp[p] = v + 1;
                    prerequisites[kept++] = p;
                }
            }
        }

        offsets[total] = kept;
        return new Csr(offsets, prerequisites);
    }

    /// <summary>Kahn's algorithm over tasks <paramref name="lowest"/> … <paramref name="total"/> − 1 with
    /// the graph's edges and the batch's. Starting at the first new task is enough when no new dependency
    /// points into an existing task, since then no cycle can pass through one. Returns the tasks (less
    /// <paramref name="lowest"/>) in topological order; <paramref name="sorted"/> is how many were placed,
    /// fewer than all when there is a cycle. Removed slots have no edges and sort too.</summary>
    private int[] Kahn(int lowest, int total, int first, Csr incoming, Csr outgoing, out int sorted)
    {
        var count = total - lowest;
        var indegree = new int[count];
        for (var v = lowest; v < total; v++)
        {
            var degree = v < first ? _dependencies.CountOf(v) : 0;
            foreach (var p in incoming.Of(v))
            {
                degree += p >= lowest ? 1 : 0;
            }

            indegree[v - lowest] = degree;
        }

        var order = new int[count];
        var tail = 0;
        for (var i = 0; i < count; i++)
        {
            if (indegree[i] == 0)
            {
                order[tail++] = i;
            }
        }

        for (var head = 0; head < tail; head++)
        {
            var node = order[head] + lowest;
            if (node < first)
            {
                foreach (var next in _dependents.Of(node))
                {
                    if (--indegree[next - lowest] == 0)
                    {
                        order[tail++] = next - lowest;
                    }
                }
            }

            foreach (var next in outgoing.Of(node))
            {
                if (--indegree[next - lowest] == 0)
                {
                    order[tail++] = next - lowest;
                }
            }
        }

        sorted = tail;
        return order;
    }

    /// <summary>Finds a cycle among the tasks Kahn could not place (each has an unplaced dependency) by
    /// walking from one to an unplaced dependency until a task repeats.</summary>
    private void ThrowCycle(int lowest, int total, int first, Csr incoming, int[] order, int sorted, IReadOnlyList<string> newIds)
    {
        var placed = new bool[total - lowest];
        for (var i = 0; i < sorted; i++)
        {
            placed[order[i]] = true;
        }

        int UnplacedDependency(int v)
        {
            foreach (var p in incoming.Of(v))
            {
                if (p >= lowest && !placed[p - lowest])
                {
                    return p;
                }
            }

            foreach (var p in v < first ? _dependencies.Of(v) : [])
            {
                if (p >= lowest && !placed[p - lowest])
                {
                    return p;
                }
            }

            return -1;
        }

        string Name(int v) => v < first ? _ids[v]! : newIds[v - first];

        var position = new Dictionary<int, int>();
        var walk = new List<int>();
        var node = Array.IndexOf(placed, false) + lowest;
        while (!position.ContainsKey(node))
        {
            position[node] = walk.Count;
            walk.Add(node);
            node = UnplacedDependency(node);
        }

        // The walk follows "depends on", the order in which a cycle is reported.
        var cycle = walk.Skip(position[node]).Select(Name).ToList();
        cycle.Add(Name(node));
        throw new DependencyCycleException(cycle, "Adding these dependencies");
    }

    private void Apply(IReadOnlyList<string> newIds, TaskIndex batch, Csr incoming, Csr outgoing, int[] order, int lowest)
    {
        var first = _next;
        var total = first + newIds.Count;
        EnsureCapacity(total);
        for (var i = 0; i < newIds.Count; i++)
        {
            _ids[first + i] = newIds[i];
        }

        if (_indexOf.Count == 0)
        {
            _indexOf = batch;
        }
        else
        {
            foreach (var (id, index) in batch.Entries)
            {
                _indexOf.TryAdd(id, index);
            }
        }

        _next = total;
        var numberFrom = lowest == 0 ? 0 : _nextOrder;
        for (var position = 0; position < order.Length; position++)
        {
            _order[order[position] + lowest] = numberFrom + position;
        }

        _nextOrder = numberFrom + order.Length;

        _dependencies.AddSlices(first, incoming.Offsets.AsSpan(first), incoming.Targets);
        _dependents.AddSlices(first, outgoing.Offsets.AsSpan(first), outgoing.Targets);
        for (var v = 0; v < first; v++)
        {
            foreach (var p in incoming.Of(v))
            {
                _dependencies.Add(v, p);
            }

            foreach (var dependent in outgoing.Of(v))
            {
                _dependents.Add(v, dependent);
            }
        }

        _edgeCount += incoming.Offsets[total];
        for (var v = 0; v < total; v++)
        {
            foreach (var p in incoming.Of(v))
            {
                if (!_completed[p] && _unmet[v]++ == 0 && v < first)
                {
                    _ready.Remove(v);
                }
            }

            if (v >= first && _unmet[v] == 0)
            {
                _ready.Add(v);
            }
        }
    }

    /// <summary>Up to 128 dependencies and the distinct-in-a-row ids they name, resolved together.</summary>
    private sealed class Block
    {
        private const int Capacity = 128;
        private readonly string[] _names = new string[2 * Capacity];
        private readonly int[] _indexes = new int[2 * Capacity];
        private int _nameCount;

        public TaskDependency[] Dependencies { get; } = new TaskDependency[Capacity];

        /// <summary>Gets, per dependency, the position of its dependent's id in <see cref="Names"/>.</summary>
        public int[] TaskName { get; } = new int[Capacity];

        /// <summary>Gets, per dependency, the position of its prerequisite's id in <see cref="Names"/>.</summary>
        public int[] DependsOnName { get; } = new int[Capacity];

        public int Count { get; private set; }

        public ReadOnlySpan<string> Names => _names.AsSpan(0, _nameCount);

        public Span<int> Indexes => _indexes.AsSpan(0, _nameCount);

        public bool TryAdd(TaskDependency dependency)
        {
            if (Count == Capacity)
            {
                return false;
            }

            ArgumentNullException.ThrowIfNull(dependency.TaskId, nameof(dependency));
            ArgumentNullException.ThrowIfNull(dependency.DependsOn, nameof(dependency));

            // Dependencies usually come grouped by dependent: its id is resolved once per group.
            var previous = _nameCount > 0 && Count > 0 ? TaskName[Count - 1] : -1;
            TaskName[Count] = previous >= 0 && ReferenceEquals(_names[previous], dependency.TaskId) ? previous : AddName(dependency.TaskId);
            DependsOnName[Count] = AddName(dependency.DependsOn);
            Dependencies[Count++] = dependency;
            return true;
        }

        public void Clear() => (Count, _nameCount) = (0, 0);

        private int AddName(string name)
        {
            _names[_nameCount] = name;
            return _nameCount++;
        }
    }

    /// <summary>Edges as two parallel arrays, in the order given.</summary>
    private sealed class EdgeList(int capacity)
    {
        public int[] Dependents { get; private set; } = new int[Math.Max(capacity, 4)];

        public int[] Prerequisites { get; private set; } = new int[Math.Max(capacity, 4)];

        public int Count { get; private set; }

        public void Add(int dependent, int prerequisite)
        {
            if (Count == Dependents.Length)
            {
                var dependents = Dependents;
                var prerequisites = Prerequisites;
                Array.Resize(ref dependents, Count * 2);
                Array.Resize(ref prerequisites, Count * 2);
                (Dependents, Prerequisites) = (dependents, prerequisites);
            }

            Dependents[Count] = dependent;
            Prerequisites[Count++] = prerequisite;
        }
    }

    /// <summary>Compressed sparse rows: vertex v's neighbours are <c>Targets[Offsets[v] .. Offsets[v + 1]]</c>.</summary>
    private sealed class Csr(int[] offsets, int[] targets)
    {
        public int[] Offsets { get; } = offsets;

        public int[] Targets { get; } = targets;

        public ReadOnlySpan<int> Of(int vertex) => Targets.AsSpan(Offsets[vertex], Offsets[vertex + 1] - Offsets[vertex]);

        /// <summary>The same edges seen from the other end, each row in increasing vertex order.</summary>
        public Csr Reverse(int total)
        {
            var offsets = new int[total + 1];
            var count = Offsets[total];
            for (var k = 0; k < count; k++)
            {
                offsets[Targets[k] + 1]++;
            }

            for (var v = 0; v < total; v++)
            {
                offsets[v + 1] += offsets[v];
            }

            var targets = new int[count];
            for (var v = 0; v < total; v++)
            {
                foreach (var t in Of(v))
                {
                    targets[offsets[t]++] = v;
                }
            }

            for (var v = total; v > 0; v--)
            {
                offsets[v] = offsets[v - 1];
            }

            offsets[0] = 0;
            return new Csr(offsets, targets);
        }
    }
}

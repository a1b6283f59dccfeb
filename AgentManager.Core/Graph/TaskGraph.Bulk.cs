using QuikGraph;

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
    public void AddRange(IEnumerable<string> taskIds, IEnumerable<TaskDependency> dependencies)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        ArgumentNullException.ThrowIfNull(dependencies);
        var newIds = taskIds as IReadOnlyList<string> ?? taskIds.ToList();
        var batch = new Dictionary<string, int>(newIds.Count, StringComparer.Ordinal);
        foreach (var id in newIds)
        {
            Ids.ThrowIfInvalid(id, nameof(taskIds));
            if (_indexOf.ContainsKey(id) || !batch.TryAdd(id, _next + batch.Count))
            {
                throw new DuplicateTaskException(id);
            }
        }

        var edges = new List<SEquatableEdge<int>>();
        var seen = new HashSet<(int, int)>();
        var intoExisting = false;
        foreach (var dependency in dependencies)
        {
            var dependent = Resolve(batch, dependency.TaskId, dependency);
            var prerequisite = Resolve(batch, dependency.DependsOn, dependency);
            if (dependent == prerequisite)
            {
                throw new DependencyCycleException([dependency.TaskId, dependency.TaskId], "Adding these dependencies");
            }

            var existingEdge = dependent < _next && prerequisite < _next && _edges.ContainsEdge(prerequisite, dependent);
            if (existingEdge || !seen.Add((prerequisite, dependent)))
            {
                continue;
            }

            intoExisting |= dependent < _next;
            edges.Add(new SEquatableEdge<int>(prerequisite, dependent));
        }

        var order = intoExisting ? SortAll(batch, edges) : SortBatch(batch, newIds, edges);
        Apply(newIds, edges, order, renumberAll: intoExisting);
    }

    private int Resolve(Dictionary<string, int> batch, string id, TaskDependency dependency)
    {
        ArgumentNullException.ThrowIfNull(id, nameof(dependency));
        return batch.TryGetValue(id, out var index) || _indexOf.TryGetValue(id, out index)
            ? index
            : throw new TaskNotFoundException(id, $"Dependency '{dependency.TaskId}' -> '{dependency.DependsOn}' names task '{id}', which is neither in the graph nor in the batch.");
    }

    /// <summary>Kahn's algorithm over the new tasks only: enough when no new dependency points into an
    /// existing task, since then no cycle can pass through one.</summary>
    private int[] SortBatch(Dictionary<string, int> batch, IReadOnlyList<string> newIds, List<SEquatableEdge<int>> edges)
    {
        var count = newIds.Count;
        var offset = _next;
        var inner = edges.Where(e => e.Source >= offset).Select(e => (From: e.Source - offset, To: e.Target - offset)).ToList();
        var order = Kahn(count, inner, out var sorted);
        if (sorted < count)
        {
            ThrowCycle(count, inner, order, sorted, i => newIds[i]);
        }

        return order;
    }

    /// <summary>Kahn's algorithm over the whole graph with the batch: needed when new dependencies point
    /// into existing tasks.</summary>
    private int[] SortAll(Dictionary<string, int> batch, List<SEquatableEdge<int>> edges)
    {
        var count = _next + batch.Count;
        var names = new string?[count];
        Array.Copy(_ids, names, _next);
        foreach (var (id, index) in batch)
        {
            names[index] = id;
        }

        var all = _edges.Edges.Select(e => (From: e.Source, To: e.Target))
            .Concat(edges.Select(e => (From: e.Source, To: e.Target)))
            .ToList();
        var order = Kahn(count, all, out var sorted);
        if (sorted < count)
        {
            ThrowCycle(count, all, order, sorted, i => names[i]!);
        }

        return order;
    }

    /// <summary>Returns the vertices in topological order (removed slots have no edges and sort too);
    /// <paramref name="sorted"/> is how many were placed, fewer than all when there is a cycle.</summary>
    private static int[] Kahn(int count, List<(int From, int To)> edges, out int sorted)
    {
        var indegree = new int[count];
        var start = new int[count + 1];
        foreach (var (from, to) in edges)
        {
            indegree[to]++;
            start[from + 1]++;
        }

        for (var i = 0; i < count; i++)
        {
            start[i + 1] += start[i];
        }

        var targets = new int[edges.Count];
        var fill = (int[])start.Clone();
        foreach (var (from, to) in edges)
        {
            targets[fill[from]++] = to;
        }

        var order = new int[count];
        var head = 0;
        var tail = 0;
        for (var i = 0; i < count; i++)
        {
            if (indegree[i] == 0)
            {
                order[tail++] = i;
            }
        }

        while (head < tail)
        {
            var node = order[head++];
            for (var k = start[node]; k < start[node + 1]; k++)
            {
                if (--indegree[targets[k]] == 0)
                {
                    order[tail++] = targets[k];
                }
            }
        }

        sorted = tail;
        return order;
    }

    /// <summary>Finds a cycle among the vertices Kahn could not place (each has an unplaced dependency)
    /// by walking from one to its unplaced dependency until a vertex repeats.</summary>
    private static void ThrowCycle(int count, List<(int From, int To)> edges, int[] order, int sorted, Func<int, string> name)
    {
        var placed = new bool[count];
        for (var i = 0; i < sorted; i++)
        {
            placed[order[i]] = true;
        }

        var dependencyOf = new int[count];
        Array.Fill(dependencyOf, -1);
        foreach (var (from, to) in edges)
        {
            if (!placed[from] && !placed[to])
            {
                dependencyOf[to] = from;
            }
        }

        var position = new Dictionary<int, int>();
        var walk = new List<int>();
        var node = Array.FindIndex(dependencyOf, d => d >= 0);
        while (!position.ContainsKey(node))
        {
            position[node] = walk.Count;
            walk.Add(node);
            node = dependencyOf[node];
        }

        var cycle = walk.Skip(position[node]).Select(name).ToList();
        cycle.Add(name(node));
        throw new DependencyCycleException(cycle, "Adding these dependencies");
    }

    private void Apply(IReadOnlyList<string> newIds, List<SEquatableEdge<int>> edges, int[] order, bool renumberAll)
    {
        var first = _next;
        EnsureCapacity(_next + newIds.Count);
        foreach (var id in newIds)
        {
            Allocate(id);
        }

        if (renumberAll)
        {
            for (var position = 0; position < order.Length; position++)
            {
                _order[order[position]] = position;
            }

            _nextOrder = order.Length;
        }
        else
        {
            for (var position = 0; position < order.Length; position++)
            {
                _order[first + order[position]] = _nextOrder + position;
            }

            _nextOrder += order.Length;
        }

        _edges.AddVertexRange(Enumerable.Range(first, newIds.Count));
        _edges.AddEdgeRange(edges);
        for (var index = first; index < _next; index++)
        {
            _ready.Add(index);
        }

        foreach (var edge in edges)
        {
            if (!_completed[edge.Source] && _unmet[edge.Target]++ == 0)
            {
                _ready.Remove(edge.Target);
            }
        }
    }
}

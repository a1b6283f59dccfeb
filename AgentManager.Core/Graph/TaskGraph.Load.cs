namespace AgentManager.Graph;

/// <summary>Loading an empty graph from tasks and dependencies a caller has already checked and resolved to indexes.</summary>
public sealed partial class TaskGraph
{
    /// <summary>Loads an empty graph with tasks whose ids the caller checked and indexed, and dependencies it resolved
    /// to those indexes, taking the arrays over instead of copying them; only the cycle check is left. The graph is then
    /// as <see cref="AddRange"/> of the same tasks and dependencies would leave it.</summary>
    /// <param name="ids">The task ids, valid and distinct; task i gets index i.</param>
    /// <param name="index">Maps each id to its position in <paramref name="ids"/>, and nothing else.</param>
    /// <param name="offsets">Task v depends on <c>prerequisites[offsets[v] .. offsets[v + 1]]</c>: <paramref name="ids"/>.Length + 1 entries.</param>
    /// <param name="prerequisites">The rows, each without repeats or the task itself, back to back (the array may be longer).</param>
    /// <exception cref="DependencyCycleException">The dependencies close a cycle; the graph stays empty.</exception>
    internal void Load(string[] ids, TaskIndex index, int[] offsets, int[] prerequisites)
    {
        if (_next != 0 || _indexOf.Count != 0)
        {
            throw new InvalidOperationException("Load fills an empty graph only.");
        }

        var total = ids.Length;
        var incoming = new Csr(offsets, prerequisites);
        var outgoing = incoming.Reverse(total);
        var order = Kahn(0, total, 0, incoming, outgoing, out var sorted);
        if (sorted < total)
        {
            ThrowCycle(0, total, 0, incoming, order, sorted, ids);
        }

        _ids = ids;
        _unmet = new int[total];
        _order = new int[total];
        _completed = new bool[total];
        _mark = [];
        _parent = [];
        _indexOf = index;
        _next = total;
        for (var position = 0; position < total; position++)
        {
            _order[order[position]] = position;
        }

        _nextOrder = total;
        _dependencies.Adopt(offsets, prerequisites, total);
        _dependents.Adopt(outgoing.Offsets, outgoing.Targets, total);
        _edgeCount = offsets[total];
        var ready = 0;
        for (var v = 0; v < total; v++)
        {
            _unmet[v] = offsets[v + 1] - offsets[v];
            ready += _unmet[v] == 0 ? 1 : 0;
        }

        _ready.EnsureIndexes(total);
        _ready.EnsureMembers(ready);
        for (var v = 0; v < total; v++)
        {
            if (_unmet[v] == 0)
            {
                _ready.Add(v);
            }
        }
    }
}

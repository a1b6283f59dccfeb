namespace AgentManager.Graph;

/// <summary>The incremental topological order (Pearce–Kelly): every task has a distinct order number and
/// each dependency runs from a lower number to a higher one.</summary>
public sealed partial class TaskGraph
{
    // Only searches use these (a reorder, a task's descendants): a loaded graph makes them at its first search.
    private int[] _mark = new int[16];
    private int[] _parent = new int[16];
    private int _epoch;

    /// <summary>Restores the order before adding <paramref name="dependency"/> → <paramref name="dependent"/>
    /// when the dependency currently comes after the dependent. Searches only tasks whose order lies
    /// between the two; finding the dependency from the dependent means a cycle, reported before anything changes.</summary>
    private void Reorder(int dependency, int dependent, string taskId, string dependsOn)
    {
        EnsureSearchArrays();
        var lower = _order[dependent];
        var upper = _order[dependency];
        var forwardMark = ++_epoch;
        var forward = new List<int> { dependent };
        _mark[dependent] = forwardMark;
        var stack = new Stack<int>();
        stack.Push(dependent);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            foreach (var next in _dependents.Of(node))
            {
                if (next == dependency)
                {
                    throw new DependencyCycleException(CyclePath(dependency, dependent, node), Attempted(taskId, dependsOn));
                }

                if (_mark[next] != forwardMark && _order[next] < upper)
                {
                    _mark[next] = forwardMark;
                    _parent[next] = node;
                    forward.Add(next);
                    stack.Push(next);
                }
            }
        }

        var backwardMark = ++_epoch;
        var backward = new List<int> { dependency };
        _mark[dependency] = backwardMark;
        stack.Push(dependency);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            foreach (var previous in _dependencies.Of(node))
            {
                if (_mark[previous] != backwardMark && _order[previous] > lower)
                {
                    _mark[previous] = backwardMark;
                    backward.Add(previous);
                    stack.Push(previous);
                }
            }
        }

        // The backward set (the dependency and what it needs) takes the lowest of the freed numbers,
        // the forward set (the dependent and what needs it) the highest, each keeping its inner order.
        backward.Sort((a, b) => _order[a].CompareTo(_order[b]));
        forward.Sort((a, b) => _order[a].CompareTo(_order[b]));
        var slots = new int[backward.Count + forward.Count];
        var k = 0;
        foreach (var node in backward)
        {
            slots[k++] = _order[node];
        }

        foreach (var node in forward)
        {
            slots[k++] = _order[node];
        }

        Array.Sort(slots);
        k = 0;
        foreach (var node in backward)
        {
            _order[node] = slots[k++];
        }

        foreach (var node in forward)
        {
            _order[node] = slots[k++];
        }
    }

    private void EnsureSearchArrays()
    {
        if (_mark.Length < _ids.Length)
        {
            Array.Resize(ref _mark, _ids.Length);
            Array.Resize(ref _parent, _ids.Length);
        }
    }

    /// <summary>The cycle closed by the new dependency, in "depends on" order, when the search from the
    /// dependent reached <paramref name="last"/>, on which the dependency itself depends.</summary>
    private List<string> CyclePath(int dependency, int dependent, int last)
    {
        var path = new List<string> { _ids[dependent]!, _ids[dependency]! };
        for (var node = last; node != dependent; node = _parent[node])
        {
            path.Add(_ids[node]!);
        }

        path.Add(_ids[dependent]!);
        return path;
    }
}

namespace AgentManager.Graph;

/// <summary>Tasks and their dependencies, kept acyclic, with an incrementally maintained set of ready tasks.</summary>
/// <remarks>
/// <para>A task is ready when it is not completed and every task it depends on is completed. Completing a
/// task costs O(its number of dependents); a dependency that keeps the current topological order is added
/// in O(1), others search only the affected part of the graph (Pearce–Kelly).</para>
/// <para>Edges are kept in int-indexed adjacency arrays (<see cref="AdjacencyLists"/>), built in one pass
/// by <see cref="AddRange"/>; QuikGraph algorithms run over them through a read-only view
/// (<see cref="AsQuikGraph"/>).</para>
/// <para>Not thread-safe: serialize access (the engine's loop is its only writer).</para>
/// </remarks>
public sealed partial class TaskGraph
{
    private readonly AdjacencyLists _dependents = new();
    private readonly AdjacencyLists _dependencies = new();
    private readonly IndexSet _ready = new();
    private TaskIndex _indexOf = new();
    private string?[] _ids = new string?[16];
    private int[] _unmet = new int[16];
    private int[] _order = new int[16];
    private bool[] _completed = new bool[16];
    private int _next;
    private int _nextOrder;
    private int _edgeCount;

    /// <summary>Creates an empty graph.</summary>
    public TaskGraph()
    {
        ReadyTasks = new ReadyView(this);
        _dependents.EnsureVertices(_ids.Length);
        _dependencies.EnsureVertices(_ids.Length);
        _ready.EnsureIndexes(_ids.Length);
    }

    /// <summary>Gets the number of tasks.</summary>
    public int Count => _indexOf.Count;

    /// <summary>Gets the number of dependencies.</summary>
    public int DependencyCount => _edgeCount;

    /// <summary>Gets the tasks that are ready: not completed, every dependency completed. Maintained as tasks
    /// complete, never computed by scanning the graph.</summary>
    public IReadOnlyCollection<string> ReadyTasks { get; }

    /// <summary>Tells whether the graph has a task.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns><see langword="true"/> when the task exists.</returns>
    public bool Contains(string taskId) => taskId is not null && _indexOf.ContainsKey(taskId);

    /// <summary>Adds a task without dependencies; it is ready at once.</summary>
    /// <param name="taskId">The task id, matching <see cref="Ids.Pattern"/>.</param>
    /// <exception cref="DuplicateTaskException">The id is taken.</exception>
    public void AddTask(string taskId)
    {
        Ids.ThrowIfInvalid(taskId);
        if (_indexOf.ContainsKey(taskId))
        {
            throw new DuplicateTaskException(taskId);
        }

        var index = Allocate(taskId);
        _order[index] = _nextOrder++;
        _ready.Add(index);
    }

    /// <summary>Makes <paramref name="taskId"/> depend on <paramref name="dependsOn"/>. Adding an existing
    /// dependency does nothing.</summary>
    /// <param name="taskId">The task that waits.</param>
    /// <param name="dependsOn">The task that must complete first.</param>
    /// <exception cref="TaskNotFoundException">Either task does not exist.</exception>
    /// <exception cref="DependencyCycleException">The dependency would close a cycle; nothing changed.</exception>
    public void AddDependency(string taskId, string dependsOn)
    {
        var dependent = Require(taskId, nameof(taskId));
        var dependency = Require(dependsOn, nameof(dependsOn));
        if (dependent == dependency)
        {
            throw new DependencyCycleException([taskId, taskId], Attempted(taskId, dependsOn));
        }

        if (_dependents.Contains(dependency, dependent))
        {
            return;
        }

        if (_order[dependency] > _order[dependent])
        {
            Reorder(dependency, dependent, taskId, dependsOn);
        }

        AddEdge(dependency, dependent);
        if (!_completed[dependency] && _unmet[dependent]++ == 0)
        {
            _ready.Remove(dependent);
        }
    }

    /// <summary>Removes a task and its dependencies in both directions; dependents waiting only on it become ready.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns><see langword="false"/> when there was no such task.</returns>
    public bool RemoveTask(string taskId)
    {
        if (taskId is null || !_indexOf.Remove(taskId, out var index))
        {
            return false;
        }

        foreach (var dependent in _dependents.Of(index))
        {
            _dependencies.Remove(dependent, index);
            if (!_completed[index])
            {
                Satisfy(dependent, null);
            }
        }

        foreach (var dependency in _dependencies.Of(index))
        {
            _dependents.Remove(dependency, index);
        }

        _edgeCount -= _dependents.CountOf(index) + _dependencies.CountOf(index);
        _dependents.Clear(index);
        _dependencies.Clear(index);
        _ready.Remove(index);
        _ids[index] = null;
        return true;
    }

    /// <summary>Removes one dependency; the dependent becomes ready if it was its last unmet one.</summary>
    /// <param name="taskId">The task that waits.</param>
    /// <param name="dependsOn">The task it waits for.</param>
    /// <returns><see langword="false"/> when there was no such dependency.</returns>
    public bool RemoveDependency(string taskId, string dependsOn)
    {
        var dependent = Require(taskId, nameof(taskId));
        var dependency = Require(dependsOn, nameof(dependsOn));
        if (!_dependents.Remove(dependency, dependent))
        {
            return false;
        }

        _dependencies.Remove(dependent, dependency);
        _edgeCount--;

        if (!_completed[dependency])
        {
            Satisfy(dependent, null);
        }

        return true;
    }

    /// <summary>Gets the tasks a task depends on.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns>The dependency ids, in the order they were added.</returns>
    public IReadOnlyList<string> GetDependencies(string taskId) => Names(_dependencies.Of(Require(taskId, nameof(taskId))));

    /// <summary>Gets the tasks that depend directly on a task.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns>The dependent ids, in the order they were added (those added by one <see cref="AddRange"/>
    /// in the order of its task ids).</returns>
    public IReadOnlyList<string> GetDependents(string taskId) => Names(_dependents.Of(Require(taskId, nameof(taskId))));

    /// <summary>Gets every task that depends on a task directly or through others, each once.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns>The descendant ids, nearest first.</returns>
    public IReadOnlyList<string> GetDescendants(string taskId)
    {
        var result = new List<int>();
        CollectDescendants(Require(taskId, nameof(taskId)), result);
        return result.Select(i => _ids[i]!).ToArray();
    }

    /// <summary>Lists every task so that each comes after all of its dependencies.</summary>
    /// <returns>The ids in a topological order; the same sequence of changes always gives the same order.</returns>
    /// <remarks>Read from the incrementally maintained order in O(V log V). QuikGraph 2.5's source-first sort
    /// is avoided: its queue updates scan linearly, O(V·E) in the worst case.</remarks>
    public IReadOnlyList<string> TopologicalOrder() =>
        Enumerable.Range(0, _next).Where(i => _ids[i] is not null).OrderBy(i => _order[i]).Select(i => _ids[i]!).ToArray();

    /// <summary>Tells whether a task is completed.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns><see langword="true"/> once <see cref="MarkCompleted(string)"/> was called for it.</returns>
    public bool IsCompleted(string taskId) => _completed[Require(taskId, nameof(taskId))];

    /// <summary>Tells whether a task is ready: not completed, and every dependency completed.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns><see langword="true"/> when it is ready.</returns>
    public bool IsReady(string taskId) => _ready.Contains(Require(taskId, nameof(taskId)));

    /// <summary>Counts the dependencies of a task that are not completed.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns>The count.</returns>
    public int UnmetDependencyCount(string taskId) => _unmet[Require(taskId, nameof(taskId))];

    /// <summary>Records that a task completed.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns>The tasks that became ready; empty when the task was already completed.</returns>
    /// <exception cref="TaskNotReadyException">A dependency is not completed.</exception>
    public IReadOnlyList<string> MarkCompleted(string taskId)
    {
        var newlyReady = new List<int>();
        MarkCompleted(Require(taskId, nameof(taskId)), newlyReady);
        return newlyReady.Select(i => _ids[i]!).ToArray();
    }

    internal int IndexOf(string taskId) => _indexOf.TryGetValue(taskId, out var index) ? index : -1;

    internal string IdAt(int index) => _ids[index] ?? throw new ArgumentOutOfRangeException(nameof(index), index, "No task has this index.");

    internal void MarkCompleted(int index, List<int> newlyReady)
    {
        if (_completed[index])
        {
            return;
        }

        if (_unmet[index] > 0)
        {
            var unmet = new List<string>();
            foreach (var dependency in _dependencies.Of(index))
            {
                if (!_completed[dependency])
                {
                    unmet.Add(_ids[dependency]!);
                }
            }

            throw new TaskNotReadyException(_ids[index]!, unmet);
        }

        _completed[index] = true;
        _ready.Remove(index);
        foreach (var dependent in _dependents.Of(index))
        {
            Satisfy(dependent, newlyReady);
        }
    }

    internal void CollectDescendants(int index, List<int> result)
    {
        EnsureSearchArrays();
        var seen = ++_epoch;
        _mark[index] = seen;
        var start = result.Count;
        AddUnseenDependents(index, seen, result);
        for (var i = start; i < result.Count; i++)
        {
            AddUnseenDependents(result[i], seen, result);
        }
    }

    /// <summary>Gets a read-only QuikGraph view of the graph: vertices are task indexes, an edge runs from a
    /// dependency to its dependent. Valid until the graph changes.</summary>
    internal QuikGraph.IBidirectionalGraph<int, QuikGraph.SEquatableEdge<int>> AsQuikGraph() => new QuikGraphView(this);

    private void Satisfy(int dependent, List<int>? newlyReady)
    {
        if (--_unmet[dependent] == 0 && !_completed[dependent] && _ids[dependent] is not null)
        {
            _ready.Add(dependent);
            newlyReady?.Add(dependent);
        }
    }

    private void AddUnseenDependents(int index, int seen, List<int> result)
    {
        foreach (var dependent in _dependents.Of(index))
        {
            if (_mark[dependent] != seen)
            {
                _mark[dependent] = seen;
                result.Add(dependent);
            }
        }
    }

    private static string Attempted(string taskId, string dependsOn) => $"Adding dependency '{taskId}' -> '{dependsOn}'";

    private void AddEdge(int dependency, int dependent)
    {
        _dependents.Add(dependency, dependent);
        _dependencies.Add(dependent, dependency);
        _edgeCount++;
    }

    private string[] Names(ReadOnlySpan<int> indexes)
    {
        var names = new string[indexes.Length];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = _ids[indexes[i]]!;
        }

        return names;
    }

    private int Require(string taskId, string paramName)
    {
        ArgumentNullException.ThrowIfNull(taskId, paramName);
        return _indexOf.TryGetValue(taskId, out var index)
            ? index
            : throw new TaskNotFoundException(taskId, $"Task '{taskId}' ({paramName}) does not exist in the graph.");
    }

    private int Allocate(string taskId)
    {
        EnsureCapacity(_next + 1);
        var index = _next++;
        _ids[index] = taskId;
        _indexOf.TryAdd(taskId, index);
        return index;
    }

    private void EnsureCapacity(int size)
    {
        if (size <= _ids.Length)
        {
            return;
        }

        var capacity = Math.Max(size, _ids.Length * 2);
        Array.Resize(ref _ids, capacity);
        Array.Resize(ref _unmet, capacity);
        Array.Resize(ref _order, capacity);
        Array.Resize(ref _completed, capacity);
        Array.Resize(ref _mark, capacity);
        Array.Resize(ref _parent, capacity);
        _dependents.EnsureVertices(capacity);
        _dependencies.EnsureVertices(capacity);
        _ready.EnsureIndexes(capacity);
    }

    private sealed class ReadyView(TaskGraph graph) : IReadOnlyCollection<string>
    {
        public int Count => graph._ready.Count;

        public IEnumerator<string> GetEnumerator()
        {
            var ready = graph._ready;
            var version = ready.Version;
            for (var i = 0; i < ready.Count; i++)
            {
                yield return graph._ids[ready[i]]!;
                if (ready.Version != version)
                {
                    throw new InvalidOperationException("The graph changed; enumeration of its ready tasks cannot go on.");
                }
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

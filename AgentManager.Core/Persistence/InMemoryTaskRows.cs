using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AgentManager.Persistence;

/// <summary>The in-memory store's rows of one workflow, in the order they were added, with an index by task id made when
/// first needed. Rows are never removed one by one (a workflow's rows go with it).</summary>
internal sealed class InMemoryTaskRows
{
    private readonly SegmentedList<InMemoryTaskRow> _rows = new();
    private readonly InMemoryTaskRow.Sharing _sharing = new();

    // Made at the first look-up that a row's place does not answer. Until then every row was added by the engine at its
    // task's ordinal, from a compiled workflow (ids unique), so that row i is the task of ordinal i: a large workflow's
    // create hashes no id, and its run finds rows by the ordinals its changes carry.
    private Dictionary<string, int>? _byId;

    public int Count => _rows.Count;

    /// <summary>Gets the row at <paramref name="index"/> (its place in the order rows were added), to read or change in
    /// place.</summary>
    public ref InMemoryTaskRow this[int index] => ref _rows.ItemRef(index);

    /// <summary>Applies a change to the row at <paramref name="index"/>.</summary>
    public void Apply(int index, in TaskStateChange change) => _rows.ItemRef(index).Apply(in change, _sharing);

    /// <summary>Gives the row at <paramref name="index"/> another lease owner and expiry, its fencing token kept.</summary>
    public void SetLease(int index, string? owner, DateTimeOffset? expiresAt) => _rows.ItemRef(index).SetLease(owner, expiresAt, _sharing);

    /// <summary>Finds a task's row.</summary>
    /// <returns>Its index, or -1 when the workflow has no such task.</returns>
    public int IndexOf(string taskId) => Index().TryGetValue(taskId, out var index) ? index : -1;

    /// <summary>Finds a task's row, first at <paramref name="ordinalHint"/> (checked against the id), then by id.</summary>
    /// <returns>Its index, or -1 when the workflow has no such task.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every task change
    public int IndexOf(string taskId, int ordinalHint) =>
        (uint)ordinalHint < (uint)_rows.Count && string.Equals(_rows.ItemRef(ordinalHint).TaskId, taskId, StringComparison.Ordinal)
            ? ordinalHint
            : IndexOf(taskId);

    /// <summary>Stores the whole record <paramref name="batch"/>[<paramref name="at"/>]: replaces its task's row or adds
    /// one.</summary>
    /// <remarks>The engine adds a workflow's tasks in ordinal order, so a task's ordinal is its row's index: a record is
    /// found there (checked against its id) without hashing its id into a table of every task, which costs a large
    /// workflow's start a cache miss or more per task.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every whole record
    public void Put(TaskRecordList batch, int at)
    {
        var task = batch.SourceAt(at);
        var ordinal = task.Ordinal;
        if ((uint)ordinal < (uint)_rows.Count && string.Equals(_rows.ItemRef(ordinal).TaskId, task.TaskId, StringComparison.Ordinal))
        {
            _rows.ItemRef(ordinal).Set(task, _sharing);
            return;
        }

        if (_rows.Count == 0)
        {
            var run = RunOfWorkflow(batch, at);
            _rows.Reserve(run);
            _byId ??= task is TaskRecord ? new Dictionary<string, int>(run, StringComparer.Ordinal) : null;
        }

        if (_byId is null && ordinal == _rows.Count && task is not TaskRecord)
        {
            // The engine's task at its ordinal, its id unique in its compiled workflow: no index needed yet.
            _rows.Add(default);
            _rows.ItemRef(ordinal).Set(task, _sharing);
            return;
        }

        ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(Index(), task.TaskId, out var exists);
        if (!exists)
        {
            index = _rows.Count;
            _rows.Add(default);
        }

        _rows.ItemRef(index).Set(task, _sharing);
    }

    /// <summary>The index by task id, made from the rows at its first use.</summary>
    private Dictionary<string, int> Index()
    {
        if (_byId is not null)
        {
            return _byId;
        }

        var byId = new Dictionary<string, int>(_rows.Count, StringComparer.Ordinal);
        for (var i = 0; i < _rows.Count; i++)
        {
            if (!byId.TryAdd(_rows.ItemRef(i).TaskId, i))
            {
                throw new InvalidOperationException($"Task '{_rows.ItemRef(i).TaskId}' has two rows; the engine added a task twice.");
            }
        }

        return _byId = byId;
    }

    /// <summary>How many records from <paramref name="start"/> on belong to its workflow, one after another: the rows
    /// a workflow's first batch adds (the engine records a new workflow's tasks together), so its rows (and index, if it
    /// needs one) are sized once instead of grown through copies that a large workflow leaves in the large object heap.</summary>
    private static int RunOfWorkflow(TaskRecordList tasks, int start)
    {
        var workflowId = tasks.SourceAt(start).WorkflowId;
        var end = start + 1;
        while (end < tasks.Count && string.Equals(tasks.SourceAt(end).WorkflowId, workflowId, StringComparison.Ordinal))
        {
            end++;
        }

        return end - start;
    }
}

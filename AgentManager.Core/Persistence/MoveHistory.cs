using System.Runtime.CompilerServices;
using AgentManager.Lifecycle;

namespace AgentManager.Persistence;

/// <summary>The moves of one workflow's tasks in the in-memory store, in commit order. A slot's index never changes
/// while the workflow is stored (a history is only appended to, and removed whole with its workflow), so the store's
/// event log refers to a move by its history and index instead of holding the object.</summary>
internal sealed class MoveHistory(string workflowId)
{
    private readonly SegmentedList<StoredMove> _moves = new();

    /// <summary>The slots below it are compacted or were tried.</summary>
    private int _compacted;

    /// <summary>The common parts of the move compacted last.</summary>
    private MoveCommons _lastCommons;

    public string WorkflowId { get; } = workflowId;

    public int Count => _moves.Count;

    /// <summary>Appends a move and gets its slot; <paramref name="expected"/> is how many moves a history that is still
    /// empty may soon hold (its first segment is made that large at once instead of grown from 4 through copies).</summary>
    public int Add(TaskTransition move, int expected)
    {
        if (_moves.Count == 0)
        {
            _moves.Reserve(expected);
        }

        _moves.Add(new StoredMove(move));
        return _moves.Count - 1;
    }

    /// <summary>Compacts the moves added since the last call: the workflow was marked published, so their objects
    /// carry their final sequence.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every commit that marks the workflow published
    public void CompactPublished()
    {
        for (var i = _compacted; i < _moves.Count; i++)
        {
            _moves.ItemRef(i).Compact(ref _lastCommons);
        }

        _compacted = _moves.Count;
    }

    public string TypeAt(int slot) => _moves.ItemRef(slot).Type;

    public TaskTransition MoveAt(int slot) => _moves.ItemRef(slot).ToMove(WorkflowId, in _lastCommons);

    public TaskTransition UnpublishedAt(int slot) => _moves.ItemRef(slot).ToUnpublished(WorkflowId);

    /// <summary>The moves, of one task or of all, in order.</summary>
    public TaskTransition[] ToArray(string? taskId)
    {
        var found = new List<TaskTransition>(taskId is null ? _moves.Count : 0);
        for (var i = 0; i < _moves.Count; i++)
        {
            ref var move = ref _moves.ItemRef(i);
            if (taskId is null || string.Equals(move.TaskId, taskId, StringComparison.Ordinal))
            {
                found.Add(move.ToMove(WorkflowId, in _lastCommons));
            }
        }

        return [.. found];
    }
}

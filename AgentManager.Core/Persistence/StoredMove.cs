using System.Runtime.CompilerServices;
using AgentManager.Events;
using AgentManager.Lifecycle;

namespace AgentManager.Persistence;

/// <summary>One move of a task as the in-memory store's history keeps it. A committed move is held as the object the
/// engine made until its workflow is marked published (<see cref="StateChanges.PublishedWorkflows"/>): reads until
/// then give that instance, as they always did. The mark compacts it into this slot's values (32 bytes: the task id,
/// the reason, actor, correlation id and time in a <see cref="MoveCommon"/> shared with the moves before it that have
/// the same ones, the states, trigger, attempt and sequence), so that the store no longer keeps one
/// 104-byte object per move for every collection to mark and copy; a read makes an equal
/// <see cref="TaskTransition"/> with the correlation id and the bus sequence the published object had.</summary>
/// <remarks>24 bytes, not 32: the sequence is kept as its distance from the history's first compacted sequence
/// (<see cref="MoveCommons.SequenceBase"/>), the attempt in 16 bits and both states in one byte; a move whose values do
/// not fit stays the object. A store keeps four of these per task until purge, and each is copied by the collections
/// that promote it.</remarks>
internal struct StoredMove
{
    /// <summary>The move object until compacted, then its task id.</summary>
    private object _moveOrTaskId;
    private MoveCommon? _common;

    // The bus sequence less the history's base, or 0 for a move never published (sequence 0).
    private int _sequence;
    private ushort _attempt;

    // From in the high four bits, to in the low four.
    private byte _states;
    private byte _trigger;

    public StoredMove(TaskTransition move)
    {
        _moveOrTaskId = move;
    }

    /// <summary>Gets whether the slot holds the move's values instead of the object.</summary>
    public readonly bool IsCompact => _moveOrTaskId is string;

    public readonly string TaskId => _moveOrTaskId as string ?? ((TaskTransition)_moveOrTaskId).TaskId;

    /// <summary>Gets the event type of the move, without making it.</summary>
    public readonly string Type => _moveOrTaskId is TaskTransition move ? move.Type : TaskEvent.TypeOf(To, Trigger);

    private readonly TaskState From => (TaskState)(_states >> 4);

    private readonly TaskState To => (TaskState)(_states & 0xF);

    private readonly TaskTrigger Trigger => (TaskTrigger)_trigger;

    /// <summary>Keeps the move's values instead of the object, with the sequence the bus gave it (0 if it was never
    /// published itself); a move whose states, trigger, attempt or sequence do not fit its slot stays an object.
    /// <paramref name="lasts"/> are the common parts of the moves compacted before, shared when they are the same, and
    /// the history's sequence base, set by its first published move.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every move, in the commit after it
    public void Compact(ref MoveCommons lasts)
    {
        if (_moveOrTaskId is not TaskTransition move
            || (uint)move.From > 0xF
            || (uint)move.To > 0xF
            || (uint)move.Trigger > byte.MaxValue
            || (uint)move.Attempt > ushort.MaxValue
            || !lasts.TryOffset(move.Sequence, out var sequence))
        {
            return;
        }

        _common = MoveCommon.Of(move, ref lasts);
        _sequence = sequence;
        _attempt = (ushort)move.Attempt;
        _states = (byte)(((int)move.From << 4) | (int)move.To);
        _trigger = (byte)move.Trigger;
        _moveOrTaskId = move.TaskId;
    }

    /// <summary>The move as reads give it: the object itself until compacted, then an equal one with the same
    /// correlation id and sequence (<paramref name="lasts"/> are the history's, which hold its sequence base).</summary>
    public readonly TaskTransition ToMove(string workflowId, in MoveCommons lasts) =>
        _moveOrTaskId as TaskTransition ?? Make(workflowId, _sequence == 0 ? 0 : lasts.SequenceBase + _sequence);

    /// <summary>A new, unpublished instance of the move (sequence 0), with its correlation id.</summary>
    public readonly TaskTransition ToUnpublished(string workflowId) =>
        _moveOrTaskId is TaskTransition move ? move with { } : Make(workflowId, 0);

    private readonly TaskTransition Make(string workflowId, long sequence)
    {
        var move = TaskTransition.OfValid(
            workflowId,
            (string)_moveOrTaskId,
            From,
            To,
            Trigger,
            _common!.Reason,
            _common.Actor,
            _attempt,
            _common.Timestamp);
        if (_common.CorrelationId is { } correlationId)
        {
            move.StampCorrelationId(correlationId);
        }

        move.Sequence = sequence;
        return move;
    }
}

using System.Runtime.CompilerServices;
using AgentManager.Lifecycle;
using AgentManager.Workflows;

namespace AgentManager.Persistence;

/// <summary>The reason, actor, correlation id and time of a move in the in-memory store's history: one object for the
/// moves of a workflow one after another that have the same ones, as the moves of one engine loop turn mostly do (no
/// reason, the engine, the run's id, the turn's time), so that a stored move holds one reference instead of three
/// references and a time.</summary>
internal sealed class MoveCommon
{
    private readonly long _utcTicks;
    private readonly short _offsetMinutes;

    private MoveCommon(TaskTransition move)
    {
        Reason = move.Reason;
        Actor = move.Actor;
        CorrelationId = move.CorrelationId;
        (_utcTicks, _offsetMinutes) = CompactTime.Split(move.Timestamp);
    }

    public string? Reason { get; }

    public string Actor { get; }

    public string? CorrelationId { get; }

    public DateTimeOffset Timestamp => CompactTime.Join(_utcTicks, _offsetMinutes);

    /// <summary>The common parts of <paramref name="move"/>: the last ones made for a move with a reason (or for one
    /// without, which most moves are) when they hold the same string instances and time, else a new object, which
    /// becomes that last one. Two slots, so that the moves without a reason of a turn still share one object when
    /// moves with reasons (a retry's, a failure's, each its own) come between them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every move
    public static MoveCommon Of(TaskTransition move, ref MoveCommons lasts)
    {
        ref var last = ref move.Reason is null ? ref lasts.WithoutReason : ref lasts.WithReason;
        var timestamp = move.Timestamp;
        if (last is null
            || !ReferenceEquals(last.Reason, move.Reason)
            || !ReferenceEquals(last.Actor, move.Actor)
            || !ReferenceEquals(last.CorrelationId, move.CorrelationId)
            || last._utcTicks != timestamp.UtcTicks
            || last._offsetMinutes != (short)timestamp.TotalOffsetMinutes)
        {
            last = new MoveCommon(move);
        }

        return last;
    }
}

/// <summary>The last <see cref="MoveCommon"/> made for a move with a reason and for one without (see
/// <see cref="MoveCommon.Of"/>).</summary>
internal struct MoveCommons
{
    public MoveCommon? WithReason;

    public MoveCommon? WithoutReason;

    /// <summary>Gets the sequence that compacted moves count from: one less than the first published sequence compacted
    /// (set then).</summary>
    public long SequenceBase { readonly get; private set; }

    private bool _based;

    /// <summary>Gets <paramref name="sequence"/> as a compacted move keeps it: 0 for 0 (never published), else its
    /// distance from <see cref="SequenceBase"/>; false when that does not fit 1 .. <see cref="int.MaxValue"/> (a move
    /// published more than two billion events after the history's first, which then stays an object).</summary>
    public bool TryOffset(long sequence, out int offset)
    {
        offset = 0;
        if (sequence == 0)
        {
            return true;
        }

        if (!_based)
        {
            (SequenceBase, _based) = (sequence - 1, true);
        }

        var distance = sequence - SequenceBase;
        if (distance is <= 0 or > int.MaxValue)
        {
            return false;
        }

        offset = (int)distance;
        return true;
    }
}

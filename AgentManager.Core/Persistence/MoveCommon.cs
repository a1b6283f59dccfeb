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

    /// <summary>The common parts of <paramref name="move"/>: <paramref name="last"/> when it holds the same string
    /// instances and time, else a new object, which becomes <paramref name="last"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every move
    public static MoveCommon Of(TaskTransition move, ref MoveCommon? last)
    {
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

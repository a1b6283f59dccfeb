using AgentManager.Lifecycle;

namespace AgentManager.Persistence;

/// <summary>The reason, actor and correlation id of a move in the in-memory store's history, one object for the moves
/// one after another that have the same three (most of a workflow's moves: no reason, the engine, the run's id), so
/// that a stored move holds one reference instead of three.</summary>
internal sealed class MoveStrings(string? reason, string actor, string? correlationId)
{
    public string? Reason { get; } = reason;

    public string Actor { get; } = actor;

    public string? CorrelationId { get; } = correlationId;

    /// <summary>The strings of <paramref name="move"/>: <paramref name="last"/> when it holds the same instances,
    /// else a new object, which becomes <paramref name="last"/>.</summary>
    public static MoveStrings Of(TaskTransition move, ref MoveStrings? last)
    {
        if (last is null
            || !ReferenceEquals(last.Reason, move.Reason)
            || !ReferenceEquals(last.Actor, move.Actor)
            || !ReferenceEquals(last.CorrelationId, move.CorrelationId))
        {
            last = new MoveStrings(move.Reason, move.Actor, move.CorrelationId);
        }

        return last;
    }
}

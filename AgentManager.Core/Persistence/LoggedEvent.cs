using AgentManager.Events;

namespace AgentManager.Persistence;

/// <summary>An entry of the in-memory store's event log: an event with its sequence, or a run of task moves logged
/// one after another (consecutive sequences) that are consecutive slots of one workflow's <see cref="MoveHistory"/>.
/// A move is not held here but read from its history slot, which keeps it anyway; a turn's moves of one workflow make
/// one entry. The <see cref="EventLogEntry"/> and an unpublished copy of an event are made when they are read.</summary>
internal struct LoggedEvent
{
    /// <summary>The event, or the history that holds the run's moves.</summary>
    private readonly object _owner;
    private readonly int _firstSlot;

    private LoggedEvent(long sequence, object owner, int firstSlot)
    {
        Sequence = sequence;
        _owner = owner;
        _firstSlot = firstSlot;
        Count = 1;
    }

    /// <summary>Gets the sequence of the entry's first event.</summary>
    public long Sequence { get; }

    /// <summary>Gets how many events the entry holds: 1 for an event, the length of a run of moves.</summary>
    public int Count { get; private set; }

    public readonly long LastSequence => Sequence + Count - 1;

    public readonly string WorkflowId => _owner is MoveHistory history ? history.WorkflowId : ((AgentManagerEvent)_owner).WorkflowId;

    public static LoggedEvent Of(long sequence, AgentManagerEvent @event) => new(sequence, @event, 0);

    public static LoggedEvent OfMove(long sequence, MoveHistory history, int slot) => new(sequence, history, slot);

    /// <summary>Adds the move to this run when it follows it in the log and in the same history.</summary>
    public bool TryAppend(long sequence, MoveHistory history, int slot)
    {
        if (!ReferenceEquals(_owner, history) || sequence != Sequence + Count || slot != _firstSlot + Count)
        {
            return false;
        }

        Count++;
        return true;
    }

    /// <summary>Gets the type of the entry's <paramref name="index"/>-th event.</summary>
    public readonly string TypeAt(int index) =>
        _owner is MoveHistory history ? history.TypeAt(_firstSlot + index) : ((AgentManagerEvent)_owner).Type;

    /// <summary>The log entry of the <paramref name="index"/>-th event, as <see cref="EventLog.Entry"/> makes it.</summary>
    public readonly EventLogEntry EntryAt(int index) =>
        EventLog.Entry(Sequence + index, _owner is MoveHistory history ? history.MoveAt(_firstSlot + index) : (AgentManagerEvent)_owner);

    /// <summary>A new, unpublished instance of the <paramref name="index"/>-th event.</summary>
    public readonly AgentManagerEvent UnpublishedAt(int index) =>
        _owner is MoveHistory history ? history.UnpublishedAt(_firstSlot + index) : (AgentManagerEvent)_owner with { };
}

using AgentManager.Events;

namespace AgentManager.Persistence;

/// <summary>An event as the in-memory store's log keeps it: its sequence and the event itself (for a task event, the
/// same <see cref="Lifecycle.TaskTransition"/> object that the store keeps as the task's history). The
/// <see cref="EventLogEntry"/> and an unpublished copy of the event are made when they are read.</summary>
internal readonly struct LoggedEvent(long sequence, AgentManagerEvent @event)
{
    private readonly AgentManagerEvent _event = @event;

    public long Sequence { get; } = sequence;

    public string WorkflowId => _event.WorkflowId;

    public string Type => _event.Type;

    /// <summary>The log entry, as <see cref="EventLog.Entry"/> makes it of the event.</summary>
    public EventLogEntry ToEntry() => EventLog.Entry(Sequence, _event);

    /// <summary>A new, unpublished instance of the event.</summary>
    public AgentManagerEvent ToEvent() => _event with { };
}

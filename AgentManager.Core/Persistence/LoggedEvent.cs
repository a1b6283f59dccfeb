using AgentManager.Events;
using AgentManager.Lifecycle;

namespace AgentManager.Persistence;

/// <summary>An event as the in-memory store's log keeps it: its sequence and, for a task event without a correlation
/// id, only its transition (which the store keeps anyway), else the event itself. The
/// <see cref="EventLogEntry"/> and an unpublished copy of the event are made when they are read. A kept transition
/// came from a <see cref="TaskEvent"/>, which checked it, so it is not checked again.</summary>
internal readonly struct LoggedEvent
{
    private readonly object _payload;

    public LoggedEvent(long sequence, AgentManagerEvent @event)
    {
        Sequence = sequence;
        _payload = @event is TaskEvent { CorrelationId: null } task ? task.Transition : @event;
    }

    public long Sequence { get; }

    public string WorkflowId => _payload is TaskTransition transition ? transition.WorkflowId : ((AgentManagerEvent)_payload).WorkflowId;

    public string Type => _payload is TaskTransition transition ? TaskEvent.TypeOfValid(transition) : ((AgentManagerEvent)_payload).Type;

    /// <summary>The log entry, as <see cref="EventLog.Entry"/> makes it of the event.</summary>
    public EventLogEntry ToEntry() => _payload is TaskTransition transition
        ? new()
        {
            Sequence = Sequence,
            Type = TaskEvent.TypeOfValid(transition),
            WorkflowId = transition.WorkflowId,
            TaskId = transition.TaskId,
            Timestamp = transition.Timestamp,
            Reason = transition.Reason,
            Transition = transition,
        }
        : EventLog.Entry(Sequence, (AgentManagerEvent)_payload);

    /// <summary>A new, unpublished instance of the event.</summary>
    public AgentManagerEvent ToEvent() => _payload is TaskTransition transition
        ? TaskEvent.OfValid(transition)
        : ((AgentManagerEvent)_payload) with { };
}

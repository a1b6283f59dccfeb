using AgentManager.Events;

namespace AgentManager.Persistence;

/// <summary>What a store's event log keeps of an event.</summary>
internal static class EventLog
{
    public static EventLogEntry Entry(long sequence, AgentManagerEvent @event) => new()
    {
        Sequence = sequence,
        Type = @event.Type,
        WorkflowId = @event.WorkflowId,
        TaskId = TaskIdOf(@event),
        Timestamp = @event.Timestamp,
        Reason = ReasonOf(@event),
        CorrelationId = @event.CorrelationId,
        Transition = (@event as TaskEvent)?.Transition,
    };

    public static string? TaskIdOf(AgentManagerEvent @event) => @event switch
    {
        TaskEvent task => task.TaskId,
        TaskEscalatedEvent escalated => escalated.TaskId,
        HumanInboxEvent inbox => inbox.TaskId,
        _ => null,
    };

    public static string? ReasonOf(AgentManagerEvent @event) => @event switch
    {
        TaskEvent task => task.Transition.Reason,
        TaskEscalatedEvent escalated => escalated.Reason,
        HumanInboxEvent inbox => inbox.Reason,
        WorkflowEvent workflow => workflow.Reason,
        TaskPlanEvent plan => plan.Reason,
        HookEvent hook => hook.Reason,
        _ => null,
    };
}

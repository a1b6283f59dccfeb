using Microsoft.Extensions.Logging;

namespace AgentManager.Events;

/// <summary>The event bus's log messages.</summary>
internal static partial class EventBusLog
{
    [LoggerMessage(
        EventId = 1100,
        EventName = "EventHandlerFailed",
        Level = LogLevel.Error,
        Message = "An event handler failed on event {EventType} #{Sequence} of workflow {WorkflowId}; the subscription goes on.")]
    internal static partial void HandlerFailed(ILogger logger, Exception exception, string eventType, long sequence, string workflowId);
}

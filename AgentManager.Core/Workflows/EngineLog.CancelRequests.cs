using Microsoft.Extensions.Logging;

namespace AgentManager.Workflows;

/// <summary>The engine's log messages about cancel requests between engines that share a store.</summary>
internal static partial class EngineLog
{
    [LoggerMessage(EventId = 1023, Level = LogLevel.Information, Message = "Workflow {WorkflowId} runs on engine {Holder}; stored a request to cancel it: {Reason}")]
    public static partial void CancelRequested(ILogger logger, string workflowId, string holder, string reason);

    [LoggerMessage(EventId = 1024, Level = LogLevel.Information, Message = "Workflow {WorkflowId}: cancelling it as engine {RequestedBy} asked at {RequestedAt:O}: {Reason}")]
    public static partial void CancelRequestApplied(ILogger logger, string workflowId, string requestedBy, DateTimeOffset requestedAt, string reason);

    [LoggerMessage(EventId = 1025, Level = LogLevel.Warning, Message = "Reading the store's cancel requests failed; the next poll tries again")]
    public static partial void CancelRequestPollFailed(ILogger logger, Exception exception);
}

using AgentManager.Persistence;
using Microsoft.Extensions.Logging;

namespace AgentManager.Workflows;

/// <summary>The engine's log messages about workflow requests between engines that share a store.</summary>
internal static partial class EngineLog
{
    [LoggerMessage(EventId = 1023, Level = LogLevel.Information, Message = "Workflow {WorkflowId} is held by engine {Holder}; stored a {Kind} request for it")]
    public static partial void WorkflowRequestStored(ILogger logger, string workflowId, WorkflowRequestKind kind, string holder);

    [LoggerMessage(EventId = 1024, Level = LogLevel.Information, Message = "Workflow {WorkflowId}: cancelling it as engine {RequestedBy} asked at {RequestedAt:O}: {Reason}")]
    public static partial void CancelRequestApplied(ILogger logger, string workflowId, string requestedBy, DateTimeOffset requestedAt, string reason);

    [LoggerMessage(EventId = 1025, Level = LogLevel.Warning, Message = "Reading or carrying out the store's workflow requests failed; the next poll tries again")]
    public static partial void WorkflowRequestPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1026, Level = LogLevel.Information, Message = "Workflow {WorkflowId}: starting it as engine {RequestedBy} asked at {RequestedAt:O}")]
    public static partial void StartRequestApplied(ILogger logger, string workflowId, string requestedBy, DateTimeOffset requestedAt);

    [LoggerMessage(EventId = 1027, Level = LogLevel.Warning, Message = "Workflow {WorkflowId}: the start engine {RequestedBy} asked for was refused: {Reason}")]
    public static partial void StartRequestRefused(ILogger logger, string workflowId, string requestedBy, string reason);
}

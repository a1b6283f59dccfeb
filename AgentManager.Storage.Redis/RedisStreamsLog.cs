using Microsoft.Extensions.Logging;

namespace AgentManager.Storage.Redis;

/// <summary>The Redis Streams transport's log messages.</summary>
internal static partial class RedisStreamsLog
{
    [LoggerMessage(EventId = 3000, EventName = "RedisConnectFailed", Level = LogLevel.Warning,
        Message = "Node {NodeId} could not connect to Redis (attempt {Attempt}); retrying in {Delay}.")]
    internal static partial void ConnectFailed(ILogger logger, Exception exception, string nodeId, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 3001, EventName = "RedisConnected", Level = LogLevel.Information,
        Message = "Node {NodeId} connected to Redis; events go through stream {StreamKey}.")]
    internal static partial void Connected(ILogger logger, string nodeId, string streamKey);

    [LoggerMessage(EventId = 3002, EventName = "RedisForwardFailed", Level = LogLevel.Warning,
        Message = "Node {NodeId} could not add {Count} events, from {EventType} of workflow {WorkflowId} on, to stream {StreamKey}; retrying in {Delay} (local publishers wait once the queues are full).")]
    internal static partial void ForwardFailed(ILogger logger, Exception exception, string nodeId, int count, string eventType, string workflowId, string streamKey, TimeSpan delay);

    [LoggerMessage(EventId = 3003, EventName = "RedisForwardAbandoned", Level = LogLevel.Warning,
        Message = "Node {NodeId} stopped before it could add event {EventType} of workflow {WorkflowId} to stream {StreamKey}; other nodes will not receive it.")]
    internal static partial void ForwardAbandoned(ILogger logger, string nodeId, string eventType, string workflowId, string streamKey);

    [LoggerMessage(EventId = 3004, EventName = "RedisUnknownEventClass", Level = LogLevel.Warning,
        Message = "Events of class {EventClass} (first seen with type {EventType}) are not AgentManager event records; they stay on this node and are not sent to stream {StreamKey}.")]
    internal static partial void UnknownEventClass(ILogger logger, string eventClass, string eventType, string streamKey);

    [LoggerMessage(EventId = 3005, EventName = "RedisConsumeFailed", Level = LogLevel.Warning,
        Message = "Node {NodeId} could not read stream {StreamKey}; retrying in {Delay}.")]
    internal static partial void ConsumeFailed(ILogger logger, Exception exception, string nodeId, string streamKey, TimeSpan delay);

    [LoggerMessage(EventId = 3006, EventName = "RedisEntryDeadLettered", Level = LogLevel.Warning,
        Message = "Node {NodeId} moved entry {EntryId} of stream {StreamKey} to {DeadLetterStreamKey}: {Reason}")]
    internal static partial void DeadLettered(ILogger logger, string nodeId, string entryId, string streamKey, string deadLetterStreamKey, string reason);

    [LoggerMessage(EventId = 3007, EventName = "RedisConsumerGroupCreated", Level = LogLevel.Information,
        Message = "Node {NodeId} created its consumer group on stream {StreamKey}; it receives the events added from now on.")]
    internal static partial void GroupCreated(ILogger logger, string nodeId, string streamKey);

    [LoggerMessage(EventId = 3008, EventName = "RedisConsumeError", Level = LogLevel.Error,
        Message = "Node {NodeId} failed handling stream {StreamKey}; retrying in {Delay}.")]
    internal static partial void ConsumeError(ILogger logger, Exception exception, string nodeId, string streamKey, TimeSpan delay);
}

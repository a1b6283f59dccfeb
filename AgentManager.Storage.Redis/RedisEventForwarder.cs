using System.Collections.Concurrent;
using AgentManager.Events;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentManager.Storage.Redis;

/// <summary>Adds each event published on the local bus by this node (not those the consumer received) to the stream,
/// one entry per event, in publish order.</summary>
/// <remarks>While Redis is unreachable the forwarder retries the event in hand with backoff; meanwhile the local
/// bus queues the next ones to this subscription and, once its queue is full, makes publishers wait: events are not
/// dropped, and the order is kept. Only stopping the transport gives up the event in hand (logged).</remarks>
internal sealed class RedisEventForwarder
{
    private readonly RedisStreamsOptions _options;
    private readonly RedisConnection _connection;
    private readonly ReceivedEvents _received;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Type, bool> _unknownClasses = new();
    private readonly RedisKey _stream;

    public RedisEventForwarder(RedisStreamsOptions options, RedisConnection connection, ReceivedEvents received, TimeProvider time, ILogger logger)
    {
        _options = options;
        _connection = connection;
        _received = received;
        _time = time;
        _logger = logger;
        _stream = options.StreamKey;
    }

    /// <summary>The bus handler. <paramref name="stopping"/> is the transport's, not the bus's.</summary>
    public async ValueTask ForwardAsync(AgentManagerEvent @event, CancellationToken stopping)
    {
        if (_received.Remove(@event))
        {
            return;
        }

        if (!EventCodec.TryEncode(@event, out var kind, out var json))
        {
            if (_unknownClasses.TryAdd(@event.GetType(), true))
            {
                RedisStreamsLog.UnknownEventClass(_logger, @event.GetType().FullName ?? @event.GetType().Name, @event.Type, _options.StreamKey);
            }

            return;
        }

        NameValueEntry[] fields =
        [
            new(StreamFields.Version, StreamFields.CurrentVersion),
            new(StreamFields.Origin, _options.NodeId),
            new(StreamFields.Kind, kind),
            new(StreamFields.Type, @event.Type),
            new(StreamFields.Data, json),
        ];
        var backoff = default(Backoff);
        while (true)
        {
            try
            {
                var database = await _connection.GetDatabaseAsync(stopping).ConfigureAwait(false);
                await database.StreamAddAsync(_stream, fields, maxLength: _options.MaxLength, useApproximateMaxLength: true).WaitAsync(stopping).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                RedisStreamsLog.ForwardAbandoned(_logger, _options.NodeId, @event.Type, @event.WorkflowId, _options.StreamKey);
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                var delay = backoff.Next();
                RedisStreamsLog.ForwardFailed(_logger, ex, _options.NodeId, @event.Type, @event.WorkflowId, _options.StreamKey, delay);
                try
                {
                    await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    RedisStreamsLog.ForwardAbandoned(_logger, _options.NodeId, @event.Type, @event.WorkflowId, _options.StreamKey);
                    return;
                }
            }
        }
    }
}

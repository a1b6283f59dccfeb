using System.Collections.Concurrent;
using System.Threading.Channels;
using AgentManager.Events;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentManager.Storage.Redis;

/// <summary>Adds each event published on the local bus by this node (not those received from other nodes, which have an
/// <see cref="AgentManagerEvent.Origin"/>) to the stream,
/// one entry per event, in publish order.</summary>
/// <remarks>
/// <para>The bus handler only encodes the event and queues it; a pump adds what is queued, up to
/// <see cref="RedisStreamsOptions.BatchSize"/> entries, in one <c>MULTI</c>/<c>EXEC</c> round trip, so a busy engine is
/// not slowed to one Redis round trip per event, and a batch is added whole or not at all.</para>
/// <para>While Redis is unreachable the pump retries the batch in hand with backoff; the queue (one batch) and then the
/// bus subscription's queue fill up and make local publishers wait: events are not dropped, and their order is kept.
/// Only stopping the transport gives up the events still queued (logged).</para>
/// </remarks>
internal sealed class RedisEventForwarder
{
    private readonly RedisStreamsOptions _options;
    private readonly RedisConnection _connection;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Type, bool> _unknownClasses = new();
    private readonly Channel<Outgoing> _queue;
    private readonly RedisKey _stream;

    public RedisEventForwarder(RedisStreamsOptions options, RedisConnection connection, TimeProvider time, ILogger logger)
    {
        _options = options;
        _connection = connection;
        _time = time;
        _logger = logger;
        _stream = options.StreamKey;
        _queue = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(options.BatchSize)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The bus handler: queues the event for the pump, waiting while the queue is full.</summary>
    /// <param name="event">The event.</param>
    /// <param name="stopping">The transport's stop, not the bus's token.</param>
    public ValueTask ForwardAsync(AgentManagerEvent @event, CancellationToken stopping)
    {
        if (@event.Origin is not null)
        {
            return default; // received from another node (by this transport or another one): never sent back
        }

        if (!EventCodec.TryEncode(@event, out var kind, out var json))
        {
            if (_unknownClasses.TryAdd(@event.GetType(), true))
            {
                RedisStreamsLog.UnknownEventClass(_logger, @event.GetType().FullName ?? @event.GetType().Name, @event.Type, _options.StreamKey);
            }

            return default;
        }

        NameValueEntry[] fields =
        [
            new(StreamFields.Version, StreamFields.CurrentVersion),
            new(StreamFields.Origin, _options.NodeId),
            new(StreamFields.Kind, kind),
            new(StreamFields.Type, @event.Type),
            new(StreamFields.Data, json),
        ];
        var outgoing = new Outgoing(@event, fields);
        return _queue.Writer.TryWrite(outgoing) ? default : WriteAsync(outgoing, stopping);
    }

    /// <summary>No more events will be queued: the pump ends once it has added the queued ones.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Adds the queued events to the stream until <see cref="Complete"/> and the queue is empty, or until
    /// <paramref name="stopping"/>: then the events left are logged and given up.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var batch = new List<Outgoing>(_options.BatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                while (batch.Count < _options.BatchSize && _queue.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                }

                await AddAsync(batch, stopping).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            while (_queue.Reader.TryRead(out var left))
            {
                batch.Add(left);
            }

            foreach (var lost in batch)
            {
                RedisStreamsLog.ForwardAbandoned(_logger, _options.NodeId, lost.Event.Type, lost.Event.WorkflowId, _options.StreamKey);
            }
        }
    }

    private async ValueTask WriteAsync(Outgoing outgoing, CancellationToken stopping)
    {
        try
        {
            await _queue.Writer.WriteAsync(outgoing, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            RedisStreamsLog.ForwardAbandoned(_logger, _options.NodeId, outgoing.Event.Type, outgoing.Event.WorkflowId, _options.StreamKey);
        }
    }

    /// <summary>Adds one batch in a transaction, retrying the whole batch with backoff until it is added.</summary>
    private async Task AddAsync(List<Outgoing> batch, CancellationToken stopping)
    {
        var backoff = default(Backoff);
        while (true)
        {
            try
            {
                var database = await _connection.GetDatabaseAsync(stopping).ConfigureAwait(false);
                var transaction = database.CreateTransaction();
                foreach (var outgoing in batch)
                {
                    _ = transaction.StreamAddAsync(_stream, outgoing.Fields, maxLength: _options.MaxLength, useApproximateMaxLength: true);
                }

                await transaction.ExecuteAsync().WaitAsync(stopping).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                var delay = backoff.Next();
                RedisStreamsLog.ForwardFailed(_logger, ex, _options.NodeId, batch.Count, batch[0].Event.Type, batch[0].Event.WorkflowId, _options.StreamKey, delay);
                await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
            }
        }
    }

    private sealed record Outgoing(AgentManagerEvent Event, NameValueEntry[] Fields);
}

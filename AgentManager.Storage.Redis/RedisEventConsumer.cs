using AgentManager.Events;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentManager.Storage.Redis;

/// <summary>Reads the stream in this node's consumer group and publishes the other nodes' events on the local bus,
/// acknowledging each entry after its local publish.</summary>
/// <remarks>
/// <para>The group is named by the node id, so every node gets every entry (fan-out); the consumer has the same name.
/// After a (re)connect the consumer first reads the entries it was given but had not acknowledged (id <c>0</c>), then
/// new ones (<c>&gt;</c>), and every half <see cref="RedisStreamsOptions.ClaimIdleTime"/> it takes over the entries of
/// its group left unacknowledged that long (<c>XAUTOCLAIM</c>): by another consumer of the group, or by itself when a
/// local publish failed.</para>
/// <para>An entry delivered more than <see cref="RedisStreamsOptions.MaxDeliveries"/> times, or that does not decode to
/// an event, is added to the dead-letter stream and acknowledged in one transaction.</para>
/// </remarks>
internal sealed class RedisEventConsumer
{
    private readonly RedisStreamsOptions _options;
    private readonly RedisConnection _connection;
    private readonly IEventBus _bus;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RedisKey _stream;
    private readonly RedisKey _deadLetters;
    private readonly RedisValue _group;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RedisEventConsumer(RedisStreamsOptions options, RedisConnection connection, IEventBus bus, TimeProvider time, ILogger logger)
    {
        _options = options;
        _connection = connection;
        _bus = bus;
        _time = time;
        _logger = logger;
        _stream = options.StreamKey;
        _deadLetters = options.EffectiveDeadLetterStreamKey;
        _group = options.NodeId;
    }

    /// <summary>Gets a task that completes once the group exists and the entries left pending were handled: from then
    /// on, every entry added to the stream reaches this node.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Runs until <paramref name="stopping"/> is cancelled; Redis failures are logged and retried.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var backoff = default(Backoff);
        var recovering = true;
        var nextClaim = _time.GetUtcNow();
        var claimEvery = _options.ClaimIdleTime / 2 > _options.PollInterval ? _options.ClaimIdleTime / 2 : _options.PollInterval;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var database = await _connection.GetDatabaseAsync(stopping).ConfigureAwait(false);
                if (recovering)
                {
                    await EnsureGroupAsync(database).ConfigureAwait(false);
                    while (await ReadAsync(database, StreamPosition.Beginning, stopping).ConfigureAwait(false) > 0)
                    {
                    }

                    recovering = false;
                    _ready.TrySetResult();
                }

                if (_time.GetUtcNow() >= nextClaim)
                {
                    await ClaimAsync(database, stopping).ConfigureAwait(false);
                    nextClaim = _time.GetUtcNow() + claimEvery;
                }

                var read = await ReadAsync(database, StreamPosition.NewMessages, stopping).ConfigureAwait(false);
                backoff.Reset();
                if (read == 0)
                {
                    await Task.Delay(_options.PollInterval, _time, stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (ObjectDisposedException) when (stopping.IsCancellationRequested)
            {
                break; // the bus was disposed with the host
            }
#pragma warning disable CA1031 // Nothing may stop the consumer but the host: every failure is logged and retried.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                // Start again from the group and the pending entries: after an outage the stream may have been
                // deleted (NOGROUP), and entries read but not acknowledged are this consumer's to handle again.
                recovering = true;
                var delay = backoff.Next();
                if (ex is RedisException or TimeoutException)
                {
                    RedisStreamsLog.ConsumeFailed(_logger, ex, _options.NodeId, _options.StreamKey, delay);
                }
                else
                {
                    RedisStreamsLog.ConsumeError(_logger, ex, _options.NodeId, _options.StreamKey, delay);
                }

                try
                {
                    await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private async Task EnsureGroupAsync(IDatabase database)
    {
        try
        {
            // At "$": a node that is new to the stream receives the events added from now on, not its history.
            await database.StreamCreateConsumerGroupAsync(_stream, _group, StreamPosition.NewMessages, createStream: true).ConfigureAwait(false);
            RedisStreamsLog.GroupCreated(_logger, _options.NodeId, _options.StreamKey);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists: this node was here before, and its position and pending entries are kept.
        }
    }

    /// <summary>Reads one batch at <paramref name="position"/> (<c>0</c>: this consumer's pending entries; <c>&gt;</c>: new
    /// ones) and handles it.</summary>
    /// <returns>How many entries were read.</returns>
    private async Task<int> ReadAsync(IDatabase database, RedisValue position, CancellationToken stopping)
    {
        var entries = await database.StreamReadGroupAsync(_stream, _group, _group, position, _options.BatchSize).ConfigureAwait(false);
        if (entries.Length == 0)
        {
            return 0;
        }

        // New entries were delivered once; a pending one has been delivered before, so ask how often.
        var deliveries = position == StreamPosition.NewMessages ? null : await DeliveriesAsync(database, entries).ConfigureAwait(false);
        await HandleAsync(database, entries, deliveries, stopping).ConfigureAwait(false);
        return entries.Length;
    }

    private async Task ClaimAsync(IDatabase database, CancellationToken stopping)
    {
        var minIdle = (long)_options.ClaimIdleTime.TotalMilliseconds;
        RedisValue start = "0-0";
        do
        {
            var result = await database.StreamAutoClaimAsync(_stream, _group, _group, minIdle, start, _options.BatchSize).ConfigureAwait(false);
            var claimed = result.ClaimedEntries.Where(e => !e.IsNull).ToArray();
            if (claimed.Length > 0)
            {
                await HandleAsync(database, claimed, await DeliveriesAsync(database, claimed).ConfigureAwait(false), stopping).ConfigureAwait(false);
            }

            start = result.NextStartId;
        }
        while (start != "0-0" && !stopping.IsCancellationRequested);
    }

    /// <summary>The delivery counts of this consumer's pending entries from the first to the last of <paramref name="entries"/>.</summary>
    private async Task<Dictionary<RedisValue, long>> DeliveriesAsync(IDatabase database, StreamEntry[] entries)
    {
        // The range may also hold entries of this consumer outside the batch (read before, not acknowledged yet).
        var pending = await database.StreamPendingMessagesAsync(
            _stream, _group, entries.Length + _options.BatchSize, _group, minId: entries[0].Id, maxId: entries[^1].Id).ConfigureAwait(false);
        var counts = new Dictionary<RedisValue, long>(pending.Length);
        foreach (var info in pending)
        {
            counts[info.MessageId] = info.DeliveryCount;
        }

        return counts;
    }

    /// <summary>Publishes each entry of another node on the local bus, in order, then acknowledges the batch; dead-letters
    /// the entries given up on the way.</summary>
    private async Task HandleAsync(IDatabase database, StreamEntry[] entries, Dictionary<RedisValue, long>? deliveries, CancellationToken stopping)
    {
        var handled = new List<RedisValue>(entries.Length);
        foreach (var entry in entries)
        {
            // A pending entry trimmed from the stream comes back without fields: there is nothing left to deliver.
            var origin = entry.Values is { Length: > 0 } ? entry[StreamFields.Origin] : RedisValue.Null;
            if (origin == _options.NodeId || entry.Values is not { Length: > 0 })
            {
                handled.Add(entry.Id);
                continue;
            }

            var count = deliveries is not null && deliveries.TryGetValue(entry.Id, out var c) ? c : 1;
            if (count > _options.MaxDeliveries)
            {
                await DeadLetterAsync(database, entry, count, $"delivered {count} times to node {_options.NodeId}, more than MaxDeliveries ({_options.MaxDeliveries}).").ConfigureAwait(false);
                continue;
            }

            AgentManagerEvent @event;
            try
            {
                @event = Decode(entry, origin);
            }
            catch (FormatException ex)
            {
                await DeadLetterAsync(database, entry, count, ex.Message).ConfigureAwait(false);
                continue;
            }

            await _bus.PublishAsync(@event, stopping).ConfigureAwait(false);
            handled.Add(entry.Id);
        }

        if (handled.Count > 0)
        {
            await database.StreamAcknowledgeAsync(_stream, _group, [.. handled]).ConfigureAwait(false);
        }
    }

    private static AgentManagerEvent Decode(StreamEntry entry, RedisValue origin)
    {
        if (origin.IsNullOrEmpty)
        {
            throw new FormatException($"The entry has no '{StreamFields.Origin}' field.");
        }

        var version = entry[StreamFields.Version];
        if (version != StreamFields.CurrentVersion)
        {
            throw new FormatException($"The entry's wire format version '{version}' is not {StreamFields.CurrentVersion}.");
        }

        var kind = entry[StreamFields.Kind];
        var data = entry[StreamFields.Data];
        if (kind.IsNull || data.IsNull)
        {
            throw new FormatException($"The entry has no '{(kind.IsNull ? StreamFields.Kind : StreamFields.Data)}' field.");
        }

        return EventCodec.Decode(kind.ToString(), data.ToString(), origin.ToString());
    }

    private async Task DeadLetterAsync(IDatabase database, StreamEntry entry, long deliveries, string reason)
    {
        var fields = new List<NameValueEntry>(entry.Values.Length + 4)
        {
            new(StreamFields.DeadReason, reason),
            new(StreamFields.DeadId, entry.Id),
            new(StreamFields.DeadNode, _options.NodeId),
            new(StreamFields.DeadDeliveries, deliveries),
        };
        fields.AddRange(entry.Values.Where(v => !((string?)v.Name ?? "").StartsWith("dead_", StringComparison.Ordinal)));

        var transaction = database.CreateTransaction();
        _ = transaction.StreamAddAsync(_deadLetters, [.. fields], maxLength: _options.MaxLength, useApproximateMaxLength: true);
        _ = transaction.StreamAcknowledgeAsync(_stream, _group, entry.Id);
        await transaction.ExecuteAsync().ConfigureAwait(false);
        RedisStreamsLog.DeadLettered(_logger, _options.NodeId, entry.Id.ToString(), _options.StreamKey, _options.EffectiveDeadLetterStreamKey, reason);
    }
}

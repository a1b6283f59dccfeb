using AgentManager.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentManager.Storage.Redis;

/// <summary>The transport for the lifetime of a host: forwards this node's events to the stream and publishes the
/// other nodes' events on the local bus.</summary>
/// <remarks><c>UseRedisStreams()</c> registers it before the engine's hosted service, so it starts first (no engine
/// event is published before the forwarder listens) and stops last (the events of the engine's stop are forwarded).</remarks>
internal sealed class RedisStreamsService : IHostedService, IAsyncDisposable
{
    private readonly RedisStreamsOptions _options;
    private readonly IEventBus _bus;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IConnectionMultiplexer? _given;
    private readonly CancellationTokenSource _stopConsuming = new();
    private readonly CancellationTokenSource _stopForwarding = new();
    private RedisConnection? _connection;
    private RedisEventConsumer? _consumer;
    private IAsyncDisposable? _subscription;
    private RedisEventForwarder? _forwarder;
    private Task _consuming = Task.CompletedTask;
    private Task _forwarding = Task.CompletedTask;
    private bool _stopped;

    public RedisStreamsService(RedisStreamsOptions options, IEventBus bus, TimeProvider time, ILogger<RedisStreamsService> logger, IConnectionMultiplexer? given)
    {
        _options = options;
        _bus = bus;
        _time = time;
        _logger = logger;
        _given = given;
    }

    /// <summary>Gets a task that completes once this node receives every entry added to the stream (its consumer
    /// group exists and its pending entries were handled); for tests.</summary>
    internal Task Ready => _consumer?.Ready ?? throw new InvalidOperationException("The Redis Streams transport has not started.");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_connection is not null)
        {
            return Task.CompletedTask;
        }

        _connection = new RedisConnection(_options, _given, _time, _logger);
        _connection.Start();
        var forwarder = _forwarder = new RedisEventForwarder(_options, _connection, _time, _logger);
        var stopForwarding = _stopForwarding.Token;
        _subscription = _bus.Subscribe(EventFilter.All, (@event, _) => forwarder.ForwardAsync(@event, stopForwarding));
        _forwarding = Task.Run(() => forwarder.RunAsync(stopForwarding), CancellationToken.None);
        _consumer = new RedisEventConsumer(_options, _connection, _bus, _time, _logger);
        _consuming = Task.Run(() => _consumer.RunAsync(_stopConsuming.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Stops reading the stream, then forwards the events still queued, unless <paramref name="cancellationToken"/>
    /// (the host's shutdown timeout) ends first: the events not forwarded by then are logged and given up.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopped || _connection is null)
        {
            return;
        }

        _stopped = true;
        await _stopConsuming.CancelAsync().ConfigureAwait(false);
        await _consuming.ConfigureAwait(false);
        using (cancellationToken.Register(() => _stopForwarding.Cancel()))
        {
            if (_subscription is not null)
            {
                await _subscription.DisposeAsync().ConfigureAwait(false);
            }

            _forwarder?.Complete();
            await _forwarding.ConfigureAwait(false);
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped && _connection is not null)
        {
            await _stopForwarding.CancelAsync().ConfigureAwait(false);
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _stopConsuming.Dispose();
        _stopForwarding.Dispose();
    }
}

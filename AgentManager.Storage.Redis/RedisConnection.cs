using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentManager.Storage.Redis;

/// <summary>The transport's Redis connection: the host's multiplexer, or one it opens from
/// <see cref="RedisStreamsOptions.Configuration"/>, retrying with backoff while Redis is unreachable.</summary>
/// <remarks>Once connected, StackExchange.Redis reconnects by itself after an outage; commands fail meanwhile and
/// their callers retry.</remarks>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly RedisStreamsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<IConnectionMultiplexer> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly bool _owned;
    private Task? _connecting;

    public RedisConnection(RedisStreamsOptions options, IConnectionMultiplexer? given, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        if (given is not null)
        {
            _connected.SetResult(given);
        }
        else
        {
            _owned = true;
        }
    }

    /// <summary>Starts connecting in the background when the connection is the transport's own.</summary>
    public void Start()
    {
        if (_owned)
        {
            _connecting ??= ConnectAsync(_stop.Token);
        }
    }

    /// <summary>Gets the database once connected.</summary>
    public async ValueTask<IDatabase> GetDatabaseAsync(CancellationToken cancellationToken)
    {
        var connection = _connected.Task.IsCompletedSuccessfully
            ? _connected.Task.Result
            : await _connected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return connection.GetDatabase();
    }

    public async ValueTask DisposeAsync()
    {
        // An attempt in progress is not waited for (it cannot be cancelled and may take the connect timeout): the loop
        // disposes what it opens after the stop.
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_owned && _connected.Task.IsCompletedSuccessfully)
        {
            await _connected.Task.Result.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var configuration = ConfigurationOptions.Parse(_options.Configuration!);
        // Fail the first connect instead of handing back a multiplexer that is not connected yet, so that this loop
        // logs each attempt and retries at its own pace.
        configuration.AbortOnConnectFail = true;
        var backoff = default(Backoff);
        for (var attempt = 1; !cancellationToken.IsCancellationRequested; attempt++)
        {
            try
            {
                var connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
                if (cancellationToken.IsCancellationRequested)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    return;
                }

                RedisStreamsLog.Connected(_logger, _options.NodeId, _options.StreamKey);
                _connected.SetResult(connection);
                if (cancellationToken.IsCancellationRequested)
                {
                    await connection.DisposeAsync().ConfigureAwait(false); // stopped meanwhile; disposing twice is harmless
                }

                return;
            }
            catch (RedisConnectionException ex)
            {
                var delay = backoff.Next();
                RedisStreamsLog.ConnectFailed(_logger, ex, _options.NodeId, attempt, delay);
                try
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AgentManager.Storage.Postgres;

/// <summary>The store's signals (<see cref="AgentManager.Persistence.IStateStoreSignals"/>) over PostgreSQL's
/// <c>LISTEN</c>/<c>NOTIFY</c>: a write of a decision or request notifies channel <see cref="Channel"/> with
/// <c>schema:workflow id</c>; while anyone subscribes, one connection of this process listens on it (taken from the data
/// source for as long as it listens) and calls the subscribers of this schema's notifications.</summary>
internal sealed partial class PostgresSignals(PostgresDatabase database, ILogger? logger = null)
{
    /// <summary>The channel every schema's stores notify; the payload names the schema.</summary>
    public const string Channel = "agentmanager_stored";

    /// <summary>How long the listener waits for a notification before it checks that its connection is alive.</summary>
    private static readonly TimeSpan Liveness = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly object _sync = new();
    private readonly List<Subscription> _subscribers = [];
    private CancellationTokenSource? _stop;
    private int _listens;

    /// <summary>Gets how many times a listener's <c>LISTEN</c> was put in place (once per connection), so that a test
    /// can wait for the first or for a reconnect.</summary>
    internal int Listens => Volatile.Read(ref _listens);

    public IDisposable Subscribe(Action<string> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var subscription = new Subscription(this, stored);
        if (!database.ListenNotify)
        {
            return subscription; // never called: the engine polls
        }

        lock (_sync)
        {
            _subscribers.Add(subscription);
            if (_stop is null)
            {
                var stop = new CancellationTokenSource();
                _stop = stop;
                _ = Task.Run(() => ListenAsync(stop), CancellationToken.None);
            }
        }

        return subscription;
    }

    /// <summary>Notifies the listeners of every process that something was stored for <paramref name="workflowId"/>. A
    /// hint: when it fails, the engines' polls find what was stored. It takes no token: what it follows is stored
    /// already, and a caller cancelled now must not be told otherwise.</summary>
    public async Task NotifyAsync(NpgsqlConnection connection, string workflowId)
    {
        if (!database.ListenNotify)
        {
            return;
        }

        try
        {
            using var notify = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection);
            notify.Parameters.Add(new NpgsqlParameter { Value = Channel });
            notify.Parameters.Add(new NpgsqlParameter { Value = database.Schema + ":" + workflowId });
            await notify.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            NotifyFailed(_logger, workflowId, ex);
        }
    }

    private void Unsubscribe(Subscription subscription)
    {
        CancellationTokenSource? stop = null;
        lock (_sync)
        {
            if (_subscribers.Remove(subscription) && _subscribers.Count == 0)
            {
                (stop, _stop) = (_stop, null);
            }
        }

        stop?.Cancel();
    }

    private async Task ListenAsync(CancellationTokenSource stop)
    {
        var retry = FirstRetry;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var listens = Listens;
                try
                {
                    await ListenOnceAsync(stop.Token).ConfigureAwait(false);
                }
                catch (ObjectDisposedException) when (!stop.IsCancellationRequested)
                {
                    return; // the data source is gone: the host is shutting down
                }
                catch (Exception ex) when (ex is not OutOfMemoryException && !stop.IsCancellationRequested)
                {
                    retry = Listens > listens ? FirstRetry : retry; // it had listened: a new failure, not the same one
                    ListenFailed(_logger, retry.TotalMilliseconds, ex);
                    await Task.Delay(retry, database.Time, stop.Token).ConfigureAwait(false);
                    retry = retry * 2 > LongestRetry ? LongestRetry : retry * 2;
                    continue;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The last subscriber left. Its source is not disposed here: Unsubscribe may still cancel it, and a source
            // without a timer holds nothing to release.
        }
    }

    /// <summary>Listens on one connection until it fails or the last subscriber leaves.</summary>
    private async Task ListenOnceAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            connection.Notification += OnNotification;
            using (var listen = new NpgsqlCommand("LISTEN " + Channel, connection))
            {
                await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            Interlocked.Increment(ref _listens);
            while (true)
            {
                if (!await connection.WaitAsync(Liveness, cancellationToken).ConfigureAwait(false))
                {
                    // Nothing for a while: a connection that died without a word fails this and is opened again.
                    using var ping = new NpgsqlCommand("SELECT 1", connection);
                    await ping.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        var separator = e.Payload.IndexOf(':', StringComparison.Ordinal);
        if (e.Channel != Channel || separator <= 0 || !e.Payload.AsSpan(0, separator).SequenceEqual(database.Schema))
        {
            return;
        }

        var workflowId = e.Payload[(separator + 1)..];
        Subscription[] subscribers;
        lock (_sync)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            try
            {
                subscriber.Stored(workflowId);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A hint: the subscriber's poll finds what it missed.
            }
        }
    }

    [LoggerMessage(EventId = 3100, EventName = "PostgresListenFailed", Level = LogLevel.Warning,
        Message = "Listening for stored decisions and requests failed; listening again in {RetryMs} ms (the engines' polls carry them out meanwhile)")]
    private static partial void ListenFailed(ILogger logger, double retryMs, Exception exception);

    [LoggerMessage(EventId = 3101, EventName = "PostgresNotifyFailed", Level = LogLevel.Warning,
        Message = "Workflow {WorkflowId}: notifying the other hosts of a stored decision or request failed; their polls find it")]
    private static partial void NotifyFailed(ILogger logger, string workflowId, Exception exception);

    private sealed class Subscription(PostgresSignals owner, Action<string> stored) : IDisposable
    {
        private int _disposed;

        public Action<string> Stored { get; } = stored;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unsubscribe(this);
            }
        }
    }
}

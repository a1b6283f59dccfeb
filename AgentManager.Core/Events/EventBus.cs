using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentManager.Events;

/// <summary>The in-process <see cref="IEventBus"/>: one bounded queue (<see cref="EventQueue"/>) per
/// subscription, with back-pressure instead of drops.</summary>
internal sealed class EventBus : IEventBus, IAsyncDisposable, IDisposable
{
    private readonly int _subscriberCapacity;
    private readonly ILogger<EventBus> _logger;

    // Numbering an event and queuing it to every subscriber happen under this lock (never across an
    // await), so each subscriber receives strictly increasing sequence numbers even with concurrent
    // publishers. Writes that must wait are only registered under it and awaited after it.
    private readonly Lock _publishLock = new();
    private readonly Lock _subscriptionsLock = new();
    private EventSubscription[] _subscriptions = [];
    private SequenceCounter _sequence;
    private bool _disposed;
    private Task? _disposal;

    /// <summary>Creates a bus.</summary>
    /// <param name="subscriberCapacity">How many events each subscription may queue before publishers wait.</param>
    /// <param name="logger">Receives handler failures.</param>
    public EventBus(int subscriberCapacity, ILogger<EventBus>? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subscriberCapacity, 1);
        _subscriberCapacity = subscriberCapacity;
        _logger = logger ?? NullLogger<EventBus>.Instance;
    }

    /// <inheritdoc/>
    public long PublishedCount => Environment.Is64BitProcess ? Volatile.Read(ref _sequence.Last) : Interlocked.Read(ref _sequence.Last);

    /// <summary>Gets how many subscriptions are registered now.</summary>
    internal int SubscriptionCount => Volatile.Read(ref _subscriptions).Length;

    /// <inheritdoc/>
    public ValueTask PublishAsync(AgentManagerEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        PendingWrites pending = default;
        lock (_publishLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (@event.Sequence != 0)
            {
                throw new InvalidOperationException(
                    $"Event {@event.Type} #{@event.Sequence} was already published; publish a new event or a copy made with 'with'.");
            }

            @event.Sequence = NextSequence();

            foreach (var subscription in Volatile.Read(ref _subscriptions))
            {
                if (subscription.Filter.Matches(@event) && !subscription.TryWrite(@event))
                {
                    pending.Add(subscription, subscription.WriteAsync(@event, cancellationToken));
                }
            }
        }

        return pending.Count == 0 ? default : WaitForWritesAsync(pending);
    }

    /// <summary>Publishes <paramref name="events"/> from <paramref name="start"/> on, in order, as
    /// <see cref="PublishAsync"/> one after another would (each waits for a full subscriber before the next is
    /// numbered), but under one lock while no write has to wait: the engine loop publishes a turn's events this way.</summary>
    /// <returns>A task that completes when every event is queued to every matching subscriber.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every engine loop turn
    internal ValueTask PublishAllAsync(List<AgentManagerEvent> events, int start, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return start < events.Count ? ValueTask.FromCanceled(cancellationToken) : default;
        }

        PendingWrites pending = default;
        var next = start;
        lock (_publishLock)
        {
            ObjectDisposedException.ThrowIf(_disposed && next < events.Count, this);
            while (next < events.Count && pending.Count == 0)
            {
                var @event = events[next];
                ArgumentNullException.ThrowIfNull(@event, nameof(events));
                if (@event.Sequence != 0)
                {
                    throw new InvalidOperationException(
                        $"Event {@event.Type} #{@event.Sequence} was already published; publish a new event or a copy made with 'with'.");
                }

                @event.Sequence = NextSequence();
                next++;
                foreach (var subscription in Volatile.Read(ref _subscriptions))
                {
                    if (subscription.Filter.Matches(@event) && !subscription.TryWrite(@event))
                    {
                        pending.Add(subscription, subscription.WriteAsync(@event, cancellationToken));
                    }
                }
            }
        }

        if (pending.Count == 0)
        {
            return default;
        }

        return next == events.Count ? WaitForWritesAsync(pending) : WaitThenPublishRestAsync(pending, events, next, cancellationToken);
    }

    /// <summary>Takes the next sequence number. Under the publish lock, so only readers of
    /// <see cref="PublishedCount"/> race with it: a 64-bit process writes a long atomically without a locked
    /// instruction, a 32-bit one needs the interlocked write for them.</summary>
    private long NextSequence()
    {
        var next = _sequence.Last + 1;
        if (Environment.Is64BitProcess)
        {
            Volatile.Write(ref _sequence.Last, next);
        }
        else
        {
            Interlocked.Exchange(ref _sequence.Last, next);
        }

        return next;
    }

    private async ValueTask WaitThenPublishRestAsync(PendingWrites pending, List<AgentManagerEvent> events, int next, CancellationToken cancellationToken)
    {
        await WaitForWritesAsync(pending).ConfigureAwait(false);
        await PublishAllAsync(events, next, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public IAsyncDisposable Subscribe(EventFilter filter, Func<AgentManagerEvent, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(handler);

        var subscription = new EventSubscription(this, filter, _subscriberCapacity, handler, _logger);
        subscription.Start();
        Add(subscription);
        return subscription;
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<AgentManagerEvent> ReadAllAsync(EventFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ReadCoreAsync(filter, cancellationToken);
    }

    /// <summary>Stops accepting events, closes every subscription and waits until the handlers have
    /// handled what was queued. Publishers still waiting on a full subscriber get an
    /// <see cref="ObjectDisposedException"/>.</summary>
    /// <returns>A task that completes when every handler subscription has drained.</returns>
    public ValueTask DisposeAsync()
    {
        lock (_publishLock)
        {
            _disposed = true;
            _disposal ??= DrainAsync();
            return new ValueTask(_disposal);
        }
    }

    /// <summary>Stops accepting events and closes every subscription without waiting for the handlers,
    /// for containers that are disposed synchronously; queued events are still handled.</summary>
    public void Dispose()
    {
        lock (_publishLock)
        {
            _disposed = true;
        }

        CloseAll();
    }

    internal void Remove(EventSubscription subscription)
    {
        lock (_subscriptionsLock)
        {
            var index = Array.IndexOf(_subscriptions, subscription);
            if (index >= 0)
            {
                Volatile.Write(ref _subscriptions, [.. _subscriptions[..index], .. _subscriptions[(index + 1)..]]);
            }
        }
    }

    private void Add(EventSubscription subscription)
    {
        lock (_subscriptionsLock)
        {
            // Read under the lock that DrainAsync takes after setting it, so no subscription slips past disposal.
            if (!Volatile.Read(ref _disposed))
            {
                Volatile.Write(ref _subscriptions, [.. _subscriptions, subscription]);
                return;
            }
        }

        subscription.Close(byBus: true);
        throw new ObjectDisposedException(GetType().FullName);
    }

    private Task DrainAsync() => Task.WhenAll(CloseAll());

    /// <summary>Closes every subscription and returns the handler loops to wait for (not the caller's own).</summary>
    private List<Task> CloseAll()
    {
        EventSubscription[] subscriptions;
        lock (_subscriptionsLock)
        {
            subscriptions = _subscriptions;
            Volatile.Write(ref _subscriptions, []);
        }

        var loops = new List<Task>(subscriptions.Length);
        foreach (var subscription in subscriptions)
        {
            var loop = subscription.Close(byBus: true);
            if (!subscription.IsCurrent)
            {
                loops.Add(loop);
            }
        }

        return loops;
    }

    private async IAsyncEnumerable<AgentManagerEvent> ReadCoreAsync(
        EventFilter filter,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscription = new EventSubscription(this, filter, _subscriberCapacity, handler: null, _logger);
        Add(subscription);
        try
        {
            var reader = subscription.Queue;
            while (await WaitToReadQuietlyAsync(reader, cancellationToken).ConfigureAwait(false))
            {
                while (!cancellationToken.IsCancellationRequested && reader.TryRead(out var @event))
                {
                    yield return @event;
                }
            }
        }
        finally
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async ValueTask<bool> WaitToReadQuietlyAsync(EventQueue reader, CancellationToken cancellationToken)
    {
        try
        {
            return !cancellationToken.IsCancellationRequested
                && await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async ValueTask WaitForWritesAsync(PendingWrites pending)
    {
        Exception? failure = null;
        for (var i = 0; i < pending.Count; i++)
        {
            var (subscription, write) = pending[i];
            try
            {
                await write.ConfigureAwait(false);
            }
            catch (ChannelClosedException) when (!subscription.ClosedByBus)
            {
                // The subscriber unsubscribed while we waited: it no longer wants events.
            }
            catch (ChannelClosedException)
            {
                failure ??= new ObjectDisposedException(
                    typeof(EventBus).FullName,
                    "The event bus was disposed while this event waited for a full subscriber; that subscriber did not receive it.");
            }
#pragma warning disable CA1031 // Every pending write must be awaited once; the first failure is rethrown below.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failure ??= ex;
            }
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>The writes of one publish that found a full queue; allocates only when there are some.</summary>
    private struct PendingWrites
    {
        private (EventSubscription Subscription, ValueTask Write) _first;
        private List<(EventSubscription Subscription, ValueTask Write)>? _more;

        public int Count { get; private set; }

        public readonly (EventSubscription Subscription, ValueTask Write) this[int index] =>
            index == 0 ? _first : _more![index - 1];

        public void Add(EventSubscription subscription, ValueTask write)
        {
            if (Count == 0)
            {
                _first = (subscription, write);
            }
            else
            {
                (_more ??= []).Add((subscription, write));
            }

            Count++;
        }
    }

    /// <summary>The last sequence number, written for every event, on a cache line of its own so that state
    /// the heap puts next to the bus (a subscriber's, say) does not share it.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct SequenceCounter
    {
        [FieldOffset(64)]
        public long Last;
    }
}

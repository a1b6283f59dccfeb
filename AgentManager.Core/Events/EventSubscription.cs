using Microsoft.Extensions.Logging;

namespace AgentManager.Events;

/// <summary>One subscription of an <see cref="EventBus"/>: a bounded queue and, for handler
/// subscriptions, the loop that hands its events to the handler one at a time.</summary>
internal sealed class EventSubscription : IAsyncDisposable
{
    // The subscription whose handler is running on the current async flow, so that disposing from a
    // handler does not wait for the loop that is running it.
    private static readonly AsyncLocal<EventSubscription?> CurrentHandlerLoop = new();

    private readonly EventBus _bus;
    private readonly EventQueue _queue;
    private readonly Func<AgentManagerEvent, CancellationToken, ValueTask>? _handler;
    private readonly ILogger _logger;
    private Task _loop = Task.CompletedTask;
    private volatile bool _closedByBus;

    internal EventSubscription(
        EventBus bus,
        EventFilter filter,
        int capacity,
        Func<AgentManagerEvent, CancellationToken, ValueTask>? handler,
        ILogger logger)
    {
        _bus = bus;
        Filter = filter;
        _handler = handler;
        _logger = logger;
        _queue = new EventQueue(capacity);
    }

    internal EventFilter Filter { get; }

    internal EventQueue Queue => _queue;

    /// <summary>Gets whether the bus (rather than the subscriber) closed the queue.</summary>
    internal bool ClosedByBus => _closedByBus;

    /// <summary>Gets whether the caller runs inside this subscription's handler.</summary>
    internal bool IsCurrent => ReferenceEquals(CurrentHandlerLoop.Value, this);

    internal bool TryWrite(AgentManagerEvent @event) => _queue.TryWrite(@event);

    /// <summary>Queues behind the writers already waiting, so the event keeps its place in publish order.</summary>
    internal ValueTask WriteAsync(AgentManagerEvent @event, CancellationToken cancellationToken) =>
        _queue.WriteAsync(@event, cancellationToken);

    internal void Start()
    {
        if (_handler is not null)
        {
            _loop = Task.Run(RunAsync);
        }
    }

    /// <summary>Closes the queue: writers still waiting fail, queued events are still handled.</summary>
    /// <returns>The handler loop, which ends once the queue is drained.</returns>
    internal Task Close(bool byBus)
    {
        if (byBus)
        {
            _closedByBus = true;
        }

        _queue.Complete();
        return _loop;
    }

    public async ValueTask DisposeAsync()
    {
        _bus.Remove(this);
        var loop = Close(byBus: false);
        if (!IsCurrent)
        {
            await loop.ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        CurrentHandlerLoop.Value = this;
        var reader = _queue;
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            // Handlers that finish synchronously are run by HandleReady, which keeps its state on the stack:
            // this method's state is a heap object that would otherwise be written for every event.
            while (HandleReady(out var pending, out var @event))
            {
                try
                {
                    await pending.ConfigureAwait(false);
                }
#pragma warning disable CA1031 // A subscriber's failure must not stop its subscription: it is logged instead.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    EventBusLog.HandlerFailed(_logger, ex, @event.Type, @event.Sequence, @event.WorkflowId);
                }
            }
        }
    }

    /// <summary>Hands the queued events to the handler, in order, until one does not finish synchronously.</summary>
    /// <returns><see langword="true"/> with that handler's unfinished (or failed) <paramref name="pending"/>
    /// task and its event; <see langword="false"/> when the queue has nothing more to read now.</returns>
    private bool HandleReady(out ValueTask pending, out AgentManagerEvent @event)
    {
        var reader = _queue;
        while (reader.TryRead(out @event))
        {
            try
            {
                pending = _handler!(@event, CancellationToken.None);
            }
#pragma warning disable CA1031 // A subscriber's failure must not stop its subscription: it is logged instead.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                EventBusLog.HandlerFailed(_logger, ex, @event.Type, @event.Sequence, @event.WorkflowId);
                continue;
            }

            if (!pending.IsCompletedSuccessfully)
            {
                return true;
            }

            // Completes the operation of a pooled IValueTaskSource; a no-op for a plain completed ValueTask.
            pending.GetAwaiter().GetResult();
        }

        pending = default;
        return false;
    }
}

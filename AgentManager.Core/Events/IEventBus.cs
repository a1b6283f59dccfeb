using System.Diagnostics.CodeAnalysis;

namespace AgentManager.Events;

/// <summary>Delivers AgentManager events to subscribers, in publish order, with back-pressure.</summary>
/// <remarks>
/// <para>Every subscription has a bounded queue. Publishing waits while a matching subscriber's queue
/// is full: events are never dropped. Each subscriber sees events in the order they were published,
/// so also in order per workflow, and with strictly increasing <see cref="AgentManagerEvent.Sequence"/>.</para>
/// <para>A handler that publishes to the same bus and waits for it can stall if its own queue is full;
/// such handlers should publish events their own filter does not match.</para>
/// </remarks>
public interface IEventBus
{
    /// <summary>Gets how many events have been published (accepted and numbered) so far.</summary>
    long PublishedCount { get; }

    /// <summary>Publishes an event to every matching subscription.</summary>
    /// <param name="event">The event; an instance is published once.</param>
    /// <param name="cancellationToken">Stops waiting for a full subscriber. The event may then have
    /// reached some subscribers and not others.</param>
    /// <returns>A task that completes when every matching subscription has queued the event; it
    /// completes synchronously unless a queue is full.</returns>
    /// <exception cref="ObjectDisposedException">The bus is disposed, including while waiting for a full subscriber.</exception>
    /// <exception cref="InvalidOperationException">The event was already published.</exception>
    [SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "The agreed API names the parameter @event; C# and F# callers are unaffected.")]
    ValueTask PublishAsync(AgentManagerEvent @event, CancellationToken cancellationToken = default);

    /// <summary>Calls <paramref name="handler"/> for every matching event published from now on, one event
    /// at a time, in publish order.</summary>
    /// <param name="filter">Which events to receive.</param>
    /// <param name="handler">The handler. An exception it throws is logged and the subscription goes on.
    /// The token it receives is not cancelled by disposal, which lets every queued event be handled.</param>
    /// <returns>The subscription. Disposing it stops it once the events already queued to it are handled.</returns>
    /// <exception cref="ObjectDisposedException">The bus is disposed.</exception>
    IAsyncDisposable Subscribe(EventFilter filter, Func<AgentManagerEvent, CancellationToken, ValueTask> handler);

    /// <summary>Streams the matching events published from the start of the enumeration on.</summary>
    /// <param name="filter">Which events to receive.</param>
    /// <param name="cancellationToken">Ends the stream, quietly, when cancelled.</param>
    /// <returns>The events. The subscription starts with the first <c>MoveNextAsync</c> and ends, after
    /// the queued events, when the bus is disposed; it is removed when the enumerator is disposed, so
    /// always enumerate with <c>await foreach</c>. A slow reader slows publishers down.</returns>
    IAsyncEnumerable<AgentManagerEvent> ReadAllAsync(EventFilter filter, CancellationToken cancellationToken = default);
}

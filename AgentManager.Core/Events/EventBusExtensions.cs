namespace AgentManager.Events;

/// <summary>Conveniences over <see cref="IEventBus"/>.</summary>
public static class EventBusExtensions
{
    /// <summary>Subscribes to the events of one CLR type (and its subtypes), for example only
    /// <see cref="TaskEvent"/>s.</summary>
    /// <typeparam name="TEvent">The event type to receive.</typeparam>
    /// <param name="bus">The bus.</param>
    /// <param name="handler">The handler; see <see cref="IEventBus.Subscribe"/>.</param>
    /// <param name="workflowId">Only events of this workflow; <see langword="null"/> for every workflow.</param>
    /// <returns>The subscription; dispose it to stop.</returns>
    public static IAsyncDisposable Subscribe<TEvent>(
        this IEventBus bus,
        Func<TEvent, CancellationToken, ValueTask> handler,
        string? workflowId = null)
        where TEvent : AgentManagerEvent
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(handler);

        var clrType = typeof(TEvent) == typeof(AgentManagerEvent) ? null : typeof(TEvent);
        var filter = new EventFilter(workflowId, types: null, clrType);

        // The filter already selects TEvent on EventBus; the check keeps other IEventBus implementations safe.
        return bus.Subscribe(filter, (@event, cancellationToken) =>
            @event is TEvent typed ? handler(typed, cancellationToken) : ValueTask.CompletedTask);
    }
}

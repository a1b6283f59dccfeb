using System.Runtime.CompilerServices;
using AgentManager.Events;

namespace AgentManager.Storage.Redis;

/// <summary>The event instances the consumer published on the local bus, so that the forwarder does not send them
/// back to the stream. Weak: an instance the forwarder never sees (it was stopped) does not stay in memory.</summary>
internal sealed class ReceivedEvents
{
    private static readonly object Marker = new();
    private readonly ConditionalWeakTable<AgentManagerEvent, object> _events = [];

    public void Add(AgentManagerEvent @event) => _events.AddOrUpdate(@event, Marker);

    /// <summary>Tells whether the consumer published <paramref name="event"/>, and forgets it.</summary>
    public bool Remove(AgentManagerEvent @event) => _events.Remove(@event);
}

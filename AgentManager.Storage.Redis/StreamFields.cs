namespace AgentManager.Storage.Redis;

/// <summary>The field names of a stream entry.</summary>
internal static class StreamFields
{
    /// <summary>The wire format version, <c>1</c>.</summary>
    public const string Version = "v";

    /// <summary>The node that published the event.</summary>
    public const string Origin = "origin";

    /// <summary>Which event record <see cref="Data"/> holds (see <see cref="EventCodec"/>).</summary>
    public const string Kind = "kind";

    /// <summary>The event type, for people and tools reading the stream; the one in <see cref="Data"/> is used.</summary>
    public const string Type = "type";

    /// <summary>The event as JSON.</summary>
    public const string Data = "data";

    /// <summary>On a dead-letter entry: why it was given up.</summary>
    public const string DeadReason = "dead_reason";

    /// <summary>On a dead-letter entry: the entry's id in the event stream.</summary>
    public const string DeadId = "dead_id";

    /// <summary>On a dead-letter entry: the node that gave it up.</summary>
    public const string DeadNode = "dead_node";

    /// <summary>On a dead-letter entry: how many times it had been delivered to that node.</summary>
    public const string DeadDeliveries = "dead_deliveries";

    /// <summary>The current wire format version.</summary>
    public const string CurrentVersion = "1";
}

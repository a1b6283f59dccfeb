namespace AgentManager.Events;

/// <summary>The base of every event published on an <see cref="IEventBus"/>.</summary>
/// <remarks>An event instance is published once: the bus stamps its <see cref="Sequence"/> and refuses
/// to publish it again. A copy made with <c>with</c> is a new, unpublished event (sequence 0).</remarks>
public abstract record AgentManagerEvent
{
    /// <summary>Initializes the common part of an event.</summary>
    /// <param name="type">The snake_case event type, for example <see cref="EventTypes.TaskCompleted"/>.</param>
    /// <param name="workflowId">The workflow the event belongs to.</param>
    /// <param name="timestamp">When it happened, from the caller's <see cref="TimeProvider"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not snake_case or
    /// <paramref name="workflowId"/> is not a valid id.</exception>
    protected AgentManagerEvent(string type, string workflowId, DateTimeOffset timestamp)
    {
        if (!EventTypes.IsSnakeCase(type))
        {
            throw new ArgumentException($"Event type '{type}' is not snake_case (for example 'task_completed').", nameof(type));
        }

        Ids.ThrowIfInvalid(workflowId);
        Type = type;
        WorkflowId = workflowId;
        Timestamp = timestamp;
    }

    /// <summary>Initializes the common part of an event whose type and workflow id are known to be valid: a constant
    /// type, and a workflow id the engine checked when it compiled the workflow (or that an event checked before).</summary>
    private protected AgentManagerEvent(DateTimeOffset timestamp, string validType, string validWorkflowId)
    {
        Type = validType;
        WorkflowId = validWorkflowId;
        Timestamp = timestamp;
    }

    /// <summary>Copies an event for a <c>with</c> expression; the copy is unpublished, so its
    /// <see cref="Sequence"/> is not copied.</summary>
    /// <param name="original">The event to copy.</param>
    protected AgentManagerEvent(AgentManagerEvent original)
    {
        ArgumentNullException.ThrowIfNull(original);
        Type = original.Type;
        WorkflowId = original.WorkflowId;
        Timestamp = original.Timestamp;
        CorrelationId = original.CorrelationId;
        if (original.Origin is { } origin)
        {
            Origins.AddOrUpdate(this, origin);
        }
    }

    /// <summary>Gets the snake_case event type, for example <c>task_completed</c>; see <see cref="EventTypes"/>.</summary>
    public string Type { get; }

    /// <summary>Gets the workflow the event belongs to.</summary>
    public string WorkflowId { get; }

    /// <summary>Gets when the event happened.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Gets the number the bus gave the event when it was published: strictly increasing per
    /// bus, starting at 1; 0 until published.</summary>
    public long Sequence { get; internal set; }

    /// <summary>Gets an optional id that ties related events together (a request, a run).</summary>
    public string? CorrelationId { get => _correlationId; init => _correlationId = value; }

    private string? _correlationId;

    /// <summary>Gets the node that published the event, when it was received from another node (set by an event transport
    /// such as <c>UseRedisStreams()</c>); <see langword="null"/> for an event published in this process. Not compared by
    /// equality.</summary>
    /// <remarks>A handler with side effects that must happen once across nodes (running hooks, sending mail) skips
    /// events that have an origin: the node that published them does it. The engine's workflow hooks do so. Left out of
    /// JSON when null, so a local event serializes as before.</remarks>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Origin
    {
        get => Origins.TryGetValue(this, out var origin) ? origin : null;
        init
        {
            if (value is null)
            {
                Origins.Remove(this);
            }
            else
            {
                Origins.AddOrUpdate(this, value);
            }
        }
    }

    // Kept beside the events rather than in a field: received events are few next to the engine's own, and every
    // event (a task transition is 88 bytes) would otherwise carry one more reference.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AgentManagerEvent, string> Origins = [];

    /// <summary>Sets the correlation id of an event its maker has not handed out yet (the engine, before it commits
    /// and publishes the events of a batch), instead of copying the event with <c>with</c>.</summary>
    internal void StampCorrelationId(string id) => _correlationId = id;
}

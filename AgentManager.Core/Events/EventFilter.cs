namespace AgentManager.Events;

/// <summary>Selects events by workflow and by type. Immutable and thread-safe.</summary>
/// <remarks>A type pattern is an exact type name (<c>task_completed</c>), a prefix ending in <c>*</c>
/// (<c>task_*</c>), or <c>*</c> alone for every type. No pattern at all also means every type.</remarks>
public sealed class EventFilter
{
    private readonly string[] _exactTypes;
    private readonly string[] _typePrefixes;
    private readonly bool _anyType;

    /// <summary>Creates a filter.</summary>
    /// <param name="workflowId">Only events of this workflow; <see langword="null"/> for every workflow.</param>
    /// <param name="types">Type patterns, any of which may match; <see langword="null"/> or empty for every type.</param>
    /// <exception cref="ArgumentException"><paramref name="workflowId"/> is not a valid id, or a pattern is
    /// blank or has a <c>*</c> anywhere but at its end.</exception>
    public EventFilter(string? workflowId = null, IEnumerable<string>? types = null)
        : this(workflowId, types, clrType: null)
    {
    }

    internal EventFilter(string? workflowId, IEnumerable<string>? types, Type? clrType)
    {
        if (workflowId is not null)
        {
            Ids.ThrowIfInvalid(workflowId);
        }

        var patterns = new List<string>();
        foreach (var pattern in types ?? [])
        {
            ThrowIfInvalidPattern(pattern, nameof(types));
            if (!patterns.Contains(pattern, StringComparer.Ordinal))
            {
                patterns.Add(pattern);
            }
        }

        WorkflowId = workflowId;
        ClrType = clrType;
        Types = patterns.AsReadOnly();
        _anyType = patterns.Count == 0 || patterns.Contains("*", StringComparer.Ordinal);
        _exactTypes = [.. patterns.Where(p => !p.EndsWith('*'))];
        _typePrefixes = [.. patterns.Where(p => p.EndsWith('*')).Select(p => p[..^1])];
    }

    /// <summary>Gets the filter that matches every event.</summary>
    public static EventFilter All { get; } = new();

    /// <summary>Gets the workflow whose events match, or <see langword="null"/> for every workflow.</summary>
    public string? WorkflowId { get; }

    /// <summary>Gets the type patterns, without duplicates, in the order given; empty means every type.</summary>
    public IReadOnlyList<string> Types { get; }

    /// <summary>Gets the CLR type that events must be instances of, or <see langword="null"/>; set by
    /// <see cref="EventBusExtensions.Subscribe{TEvent}"/>.</summary>
    internal Type? ClrType { get; }

    /// <summary>Tells whether an event passes the filter.</summary>
    /// <param name="event">The event.</param>
    /// <returns><see langword="true"/> when the workflow matches (or is not filtered) and a type pattern matches.</returns>
    public bool Matches(AgentManagerEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (WorkflowId is not null && !string.Equals(WorkflowId, @event.WorkflowId, StringComparison.Ordinal))
        {
            return false;
        }

        if (ClrType is not null && !ClrType.IsInstanceOfType(@event))
        {
            return false;
        }

        return MatchesType(@event.Type);
    }

    /// <summary>Tells whether an event type passes the filter's type patterns (the workflow is not checked).</summary>
    internal bool MatchesType(string type) => _anyType || MatchesAnyPattern(type);

    private static void ThrowIfInvalidPattern(string? pattern, string paramName)
    {
        var star = pattern?.IndexOf('*', StringComparison.Ordinal) ?? -1;
        if (string.IsNullOrWhiteSpace(pattern) || (star >= 0 && star != pattern.Length - 1))
        {
            throw new ArgumentException(
                $"'{pattern}' is not a type pattern: use an exact type ('task_completed'), a prefix ending in '*' ('task_*'), or '*'.",
                paramName);
        }
    }

    private bool MatchesAnyPattern(string type)
    {
        foreach (var exact in _exactTypes)
        {
            if (string.Equals(exact, type, StringComparison.Ordinal))
            {
                return true;
            }
        }

        foreach (var prefix in _typePrefixes)
        {
            if (type.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

using AgentManager.Events;

namespace AgentManager.Persistence;

/// <summary>Which part of a store's event log <see cref="IStateStore.ReadEventsAsync"/> returns: a filter,
/// a window of sequence numbers and a page size.</summary>
public sealed class EventLogQuery
{
    /// <summary>The largest page a read returns.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Gets the workflow and type patterns the events must match.</summary>
    /// <value>The default, <see cref="EventFilter.All"/>, matches every event.</value>
    public EventFilter Filter { get; init; } = EventFilter.All;

    /// <summary>Gets the sequence number the events must come after.</summary>
    /// <value>The default, 0, starts at the beginning of the log.</value>
    public long After { get; init; }

    /// <summary>Gets the sequence number the events must come before, if any.</summary>
    /// <value>The default, <see langword="null"/>, sets no upper bound.</value>
    public long? Before { get; init; }

    /// <summary>Gets how many events to return at most, from 1 to <see cref="MaxLimit"/>.</summary>
    /// <value>The default is 100.</value>
    public int Limit { get; init; } = 100;

    /// <summary>Gets whether to return the newest matching events first instead of the oldest.</summary>
    /// <value>The default, <see langword="false"/>, returns the oldest first.</value>
    public bool NewestFirst { get; init; }

    /// <summary>Throws when the query is malformed. Stores call it before they read, so that every store refuses the
    /// same queries.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="After"/> or <see cref="Before"/> is negative, or
    /// <see cref="Limit"/> is outside 1 to <see cref="MaxLimit"/>.</exception>
    /// <exception cref="ArgumentNullException"><see cref="Filter"/> is null.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Filter);
        ArgumentOutOfRangeException.ThrowIfNegative(After);
        if (Before is { } before)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(before, nameof(Before));
        }

        if (Limit is < 1 or > MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(Limit), Limit, $"An event log page holds 1 to {MaxLimit} events.");
        }
    }

    /// <summary>Tells whether a logged event falls in the query's window and filter.</summary>
    internal bool Matches(long sequence, string workflowId, string type) =>
        sequence > After
        && (Before is not { } before || sequence < before)
        && (Filter.WorkflowId is null || string.Equals(Filter.WorkflowId, workflowId, StringComparison.Ordinal))
        && Filter.MatchesType(type);
}

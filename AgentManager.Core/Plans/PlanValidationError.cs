namespace AgentManager.Plans;

/// <summary>One broken rule of a task plan: which item (by id and position), which field, and what is wrong.</summary>
public sealed class PlanValidationError
{
    /// <summary>Creates the error.</summary>
    /// <param name="itemId">The offending item's id as given (possibly empty), or <see langword="null"/> for a
    /// rule of the plan as a whole.</param>
    /// <param name="index">The offending item's position in the item list, or <see langword="null"/> for a rule
    /// of the plan as a whole.</param>
    /// <param name="field">The wire name of the field, with an index for list entries, for example
    /// <c>dependencies[1]</c>, <c>metadata.owner</c> or <c>plan_id</c>.</param>
    /// <param name="message">The rule that is broken, naming the offending value.</param>
    /// <exception cref="ArgumentNullException"><paramref name="field"/> or <paramref name="message"/> is null.</exception>
    public PlanValidationError(string? itemId, int? index, string field, string message)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(message);
        ItemId = itemId;
        Index = index;
        Field = field;
        Message = message;
    }

    /// <summary>Gets the offending item's id, or <see langword="null"/> for a plan-level rule.</summary>
    public string? ItemId { get; }

    /// <summary>Gets the offending item's position, or <see langword="null"/> for a plan-level rule.</summary>
    public int? Index { get; }

    /// <summary>Gets the wire name of the field, for example <c>title</c> or <c>dependencies[1]</c>.</summary>
    public string Field { get; }

    /// <summary>Gets the broken rule.</summary>
    public string Message { get; }

    /// <summary>Formats the error as <c>items[2] 'build': dependencies[0]: ...</c>, or <c>plan_id: ...</c> for
    /// a plan-level rule.</summary>
    /// <returns>The sentence.</returns>
    public override string ToString() => Index is { } index
        ? $"items[{index}]{(string.IsNullOrEmpty(ItemId) ? "" : $" '{ItemId}'")}: {Field}: {Message}"
        : $"{Field}: {Message}";
}

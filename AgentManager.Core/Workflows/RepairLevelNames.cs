namespace AgentManager.Workflows;

/// <summary>Wire names of <see cref="RepairLevel"/> values, as used in records, events and agent metadata.</summary>
public static class RepairLevelNames
{
    /// <summary>Gets the lowercase wire name, e.g. <c>repair</c>.</summary>
    /// <param name="level">The level.</param>
    /// <returns>The wire name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not a defined value.</exception>
    public static string ToWireName(this RepairLevel level) => level switch
    {
        RepairLevel.Retry => "retry",
        RepairLevel.Repair => "repair",
        RepairLevel.Escalation => "escalation",
        RepairLevel.Human => "human",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Not a defined RepairLevel."),
    };

    /// <summary>Reads a wire name back.</summary>
    /// <param name="value">The wire name, e.g. <c>escalation</c>.</param>
    /// <param name="level">The level, when the name is known.</param>
    /// <returns><see langword="true"/> when the name is known.</returns>
    public static bool TryParse(string? value, out RepairLevel level) => EnumWireNames.TryParse(value, ToWireName, out level);
}

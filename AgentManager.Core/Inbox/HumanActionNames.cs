namespace AgentManager.Inbox;

/// <summary>Wire names of <see cref="HumanAction"/> values.</summary>
public static class HumanActionNames
{
    /// <summary>Gets the lowercase wire name, e.g. <c>complete</c>.</summary>
    /// <param name="action">The action.</param>
    /// <returns>The wire name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="action"/> is not a defined value.</exception>
    public static string ToWireName(this HumanAction action) => action switch
    {
        HumanAction.Retry => "retry",
        HumanAction.Complete => "complete",
        HumanAction.Fail => "fail",
        HumanAction.Cancel => "cancel",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Not a defined HumanAction."),
    };

    /// <summary>Reads a wire name back.</summary>
    /// <param name="value">The wire name, e.g. <c>retry</c>.</param>
    /// <param name="action">The action, when the name is known.</param>
    /// <returns><see langword="true"/> when the name is known.</returns>
    public static bool TryParse(string? value, out HumanAction action) => EnumWireNames.TryParse(value, ToWireName, out action);
}

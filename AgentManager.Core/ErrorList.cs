using System.Collections.ObjectModel;

namespace AgentManager;

/// <summary>The error lists of configuration exceptions: copied, read-only, never empty.</summary>
internal static class ErrorList
{
    public static ReadOnlyCollection<string> Freeze(IEnumerable<string> errors, string paramName)
    {
        ArgumentNullException.ThrowIfNull(errors, paramName);
        var list = errors.ToList();
        return list.Count == 0
            ? throw new ArgumentException("At least one error is required.", paramName)
            : list.AsReadOnly();
    }
}

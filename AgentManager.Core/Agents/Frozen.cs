using System.Collections.ObjectModel;

namespace AgentManager.Agents;

/// <summary>Read-only copies for the immutable agent types.</summary>
internal static class Frozen
{
    public static ReadOnlyCollection<T> List<T>(IEnumerable<T> items, string paramName)
    {
        ArgumentNullException.ThrowIfNull(items, paramName);
        return items.ToList().AsReadOnly();
    }

    public static ReadOnlyDictionary<string, string> Map(IEnumerable<KeyValuePair<string, string>> items, string paramName)
    {
        ArgumentNullException.ThrowIfNull(items, paramName);
        var copy = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in items)
        {
            copy[key] = value;
        }

        return new ReadOnlyDictionary<string, string>(copy);
    }

    /// <summary>Checks environment variable names and values: names non-empty without '=', values non-null.</summary>
    public static IEnumerable<FieldError> EnvironmentProblems(IReadOnlyDictionary<string, string> env, string field)
    {
        foreach (var (name, value) in env)
        {
            if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal))
            {
                yield return new(field, $"the variable name '{name}' is invalid; names must be non-empty and contain no '='");
            }

            if (value is null)
            {
                yield return new(field, $"the variable '{name}' is null; use \"\" for an empty value");
            }
        }
    }
}

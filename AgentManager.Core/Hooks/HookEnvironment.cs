using System.Text;

namespace AgentManager.Hooks;

/// <summary>The environment variables a hook receives, and the sanitizing of context keys and values.</summary>
public static class HookEnvironment
{
    /// <summary>The prefix of every variable set from the context: <c>AGENTMANAGER_</c>.</summary>
    public const string Prefix = "AGENTMANAGER_";

    /// <summary>The hook point's wire name, for example <c>before_task_plan_confirm</c>.</summary>
    public const string Point = "AGENTMANAGER_HOOK_POINT";

    /// <summary>The hook's name.</summary>
    public const string Name = "AGENTMANAGER_HOOK_NAME";

    /// <summary>The workflow (or, at the task plan points, the plan) the hook runs for.</summary>
    public const string WorkflowId = "AGENTMANAGER_WORKFLOW_ID";

    /// <summary>The longest context key kept, before the prefix; longer keys are cut.</summary>
    internal const int MaxKeyChars = 128;

    /// <summary>Turns a context key into its variable name: <c>AGENTMANAGER_</c> and the key upper-cased
    /// (invariant culture), every character other than <c>A-Z 0-9 _</c> written <c>_</c>, cut to 128
    /// characters.</summary>
    /// <param name="key">The context key, for example <c>plan-id</c>.</param>
    /// <returns>The variable name, for example <c>AGENTMANAGER_PLAN_ID</c>; <see langword="null"/> for a
    /// null or empty key.</returns>
    public static string? VariableName(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        var upper = key.ToUpperInvariant();
        var name = new StringBuilder(Prefix, Prefix.Length + Math.Min(upper.Length, MaxKeyChars));
        foreach (var c in upper.AsSpan(0, Math.Min(upper.Length, MaxKeyChars)))
        {
            name.Append(c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' ? c : '_');
        }

        return name.ToString();
    }

    /// <summary>Makes a context value safe for an environment variable: control characters (NUL, newlines,
    /// tabs, escapes, ...) removed, then cut to <paramref name="maxChars"/> characters without splitting a
    /// surrogate pair.</summary>
    /// <param name="value">The value; null counts as empty.</param>
    /// <param name="maxChars">The longest value kept.</param>
    /// <returns>The sanitized value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxChars"/> is less than 1.</exception>
    public static string SanitizeValue(string? value, int maxChars = HookOptions.DefaultMaxContextValueChars)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 1);
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var clean = new StringBuilder(Math.Min(value.Length, maxChars));
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                continue;
            }

            if (clean.Length == maxChars)
            {
                break;
            }

            clean.Append(c);
        }

        if (clean.Length > 0 && char.IsHighSurrogate(clean[^1]))
        {
            clean.Length--;
        }

        return clean.ToString();
    }

    /// <summary>The context variables of a run, by variable name; on a clash of sanitized names the key
    /// first in ordinal order wins.</summary>
    internal static List<KeyValuePair<string, string>> FromContext(IReadOnlyDictionary<string, string> context, int maxValueChars)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in context.Keys.Order(StringComparer.Ordinal))
        {
            if (VariableName(key) is { } name)
            {
                variables.TryAdd(name, SanitizeValue(context[key], maxValueChars));
            }
        }

        return [.. variables.OrderBy(pair => pair.Key, StringComparer.Ordinal)];
    }
}

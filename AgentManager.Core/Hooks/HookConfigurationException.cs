using System.Collections.ObjectModel;

namespace AgentManager.Hooks;

/// <summary>Raised when hooks are misconfigured: a bad <c>hooks.json</c> or an invalid
/// <see cref="HookDefinition"/> in <see cref="HookOptions"/>.</summary>
/// <remarks>Every problem found is in <see cref="Errors"/>, each a sentence that names the file (when there is
/// one), the entry index, the field and the rule, for example
/// <c>/etc/agents/hooks.json: hooks[2].timeout_seconds: -1 is not positive</c>.</remarks>
public sealed class HookConfigurationException : AgentManagerException
{
    /// <summary>Creates the exception from the problems found.</summary>
    /// <param name="errors">One sentence per problem; at least one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="errors"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="errors"/> is empty.</exception>
    public HookConfigurationException(IEnumerable<string> errors)
        : this(ErrorList.Freeze(errors, nameof(errors)))
    {
    }

    private HookConfigurationException(ReadOnlyCollection<string> errors)
        : base(errors.Count == 1
            ? "Hook configuration is invalid: " + errors[0]
            : $"Hook configuration has {errors.Count} errors:\n- " + string.Join("\n- ", errors))
    {
        Errors = errors;
    }

    /// <summary>Gets the problems found, one sentence each, in file order.</summary>
    public IReadOnlyList<string> Errors { get; }
}

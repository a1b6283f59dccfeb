using System.Collections.ObjectModel;

namespace AgentManager.Agents;

/// <summary>Raised when agent profiles or templates are invalid: bad profile or template files, duplicate
/// ids, references to missing templates, an unknown agent.</summary>
/// <remarks>Every problem found is in <see cref="Errors"/>, each a sentence that names the file (when there
/// is one), the field and the rule, so one run reports everything to fix.</remarks>
public sealed class AgentConfigurationException : AgentManagerException
{
    /// <summary>Creates the exception from the problems found.</summary>
    /// <param name="errors">One sentence per problem; at least one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="errors"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="errors"/> is empty.</exception>
    public AgentConfigurationException(IEnumerable<string> errors)
        : this(Freeze(errors))
    {
    }

    private AgentConfigurationException(ReadOnlyCollection<string> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    /// <summary>Gets the problems found, one sentence each, in a stable order.</summary>
    public IReadOnlyList<string> Errors { get; }

    private static ReadOnlyCollection<string> Freeze(IEnumerable<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var list = errors.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("At least one error is required.", nameof(errors));
        }

        return list.AsReadOnly();
    }

    private static string Format(ReadOnlyCollection<string> errors) => errors.Count == 1
        ? "Agent configuration is invalid: " + errors[0]
        : $"Agent configuration has {errors.Count} errors:\n- " + string.Join("\n- ", errors);
}

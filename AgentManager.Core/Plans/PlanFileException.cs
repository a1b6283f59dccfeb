namespace AgentManager.Plans;

/// <summary>Raised when a plan file cannot be read or breaks a rule; the message names the file and, for
/// each problem, the field and the rule.</summary>
public sealed class PlanFileException : AgentManagerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">The file path, or another name of where the JSON came from.</param>
    /// <param name="problems">Every problem found, each a sentence that starts with its field when it has one.</param>
    public PlanFileException(string source, IReadOnlyList<string> problems)
        : base(Format(source, problems))
    {
        Source = source;
        Problems = problems;
    }

    /// <summary>Gets where the plan came from: the file path given to <see cref="PlanFile.LoadAsync"/> or the
    /// source name given to <see cref="PlanFile.Parse"/>.</summary>
    public new string Source { get; }

    /// <summary>Gets every problem found, in file order.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Format(string source, IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count == 1
            ? $"{source}: {problems[0]}"
            : $"{source}: the plan has {problems.Count} problems:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems);
    }
}

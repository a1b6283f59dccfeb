namespace AgentManager.Execution;

/// <summary>How a <see cref="ProcessAgentRunner"/> starts its agent process.</summary>
public sealed class ProcessAgentOptions
{
    /// <summary>The default for <see cref="MaxOutputChars"/>.</summary>
    internal const int DefaultMaxOutputChars = 65536;

    /// <summary>Gets the argument vector: element 0 is the program, the rest its arguments. It is never
    /// run through a shell.</summary>
    /// <remarks>A relative path with a directory part (<c>./agent.sh</c>) is resolved against the task's working
    /// directory; a bare name (<c>claude</c>) is looked up as <see cref="System.Diagnostics.Process"/> does
    /// (the application's directory, this process's current directory, then <c>PATH</c>).</remarks>
    public IList<string> Command { get; } = new List<string>();

    /// <summary>Gets extra environment variables for the process. They are applied after the inherited
    /// environment and the <see cref="AgentEnvironment"/> variables, so they override both.</summary>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets how the prompt reaches the process; <see cref="PromptDelivery.Stdin"/> by
    /// default.</summary>
    public PromptDelivery PromptDelivery { get; set; } = PromptDelivery.Stdin;

    /// <summary>Gets or sets how many characters of each output stream are kept. Longer output keeps its
    /// tail, prefixed by <c>[... N characters truncated]</c> and a line break.</summary>
    public int MaxOutputChars { get; set; } = DefaultMaxOutputChars;

    /// <summary>Checks that the options can start a process.</summary>
    /// <exception cref="ArgumentException">A property breaks its rule; the message names the property and
    /// the rule.</exception>
    public void Validate()
    {
        if (Command.Count == 0)
        {
            throw new ArgumentException(
                "ProcessAgentOptions.Command is empty; it must hold at least the program to run.", nameof(Command));
        }

        if (string.IsNullOrWhiteSpace(Command[0]))
        {
            throw new ArgumentException(
                "ProcessAgentOptions.Command[0] is blank; it must name the program to run.", nameof(Command));
        }

        for (var i = 1; i < Command.Count; i++)
        {
            if (Command[i] is null)
            {
                throw new ArgumentException(
                    $"ProcessAgentOptions.Command[{i}] is null; arguments must not be null (use \"\" for an empty one).",
                    nameof(Command));
            }
        }

        if (!Enum.IsDefined(PromptDelivery))
        {
            throw new ArgumentException(
                $"ProcessAgentOptions.PromptDelivery is {(int)PromptDelivery}; it must be Stdin, Argument or None.",
                nameof(PromptDelivery));
        }

        if (MaxOutputChars < 1)
        {
            throw new ArgumentException(
                $"ProcessAgentOptions.MaxOutputChars is {MaxOutputChars}; it must be at least 1.", nameof(MaxOutputChars));
        }

        foreach (var (name, value) in Environment)
        {
            if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"ProcessAgentOptions.Environment has the variable name '{name}'; names must be non-empty and contain no '='.",
                    nameof(Environment));
            }

            if (value is null)
            {
                throw new ArgumentException(
                    $"ProcessAgentOptions.Environment['{name}'] is null; values must not be null (use \"\" for an empty one).",
                    nameof(Environment));
            }
        }
    }
}

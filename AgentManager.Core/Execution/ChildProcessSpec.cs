namespace AgentManager.Execution;

/// <summary>What <see cref="ChildProcess"/> starts.</summary>
internal sealed class ChildProcessSpec
{
    /// <summary>Gets the argument vector; element 0 is the program.</summary>
    public required IReadOnlyList<string> Arguments { get; init; }

    public required string WorkingDirectory { get; init; }

    /// <summary>Gets the variables set on top of the inherited environment, applied in order.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; }

    /// <summary>Gets the text written to standard input before it is closed; <see langword="null"/> closes
    /// it at once.</summary>
    public string? StandardInput { get; init; }

    public required int MaxOutputChars { get; init; }
}

namespace AgentManager.Execution;

/// <summary>How a <see cref="ChildProcess"/> run ended: it could not start, or it exited.</summary>
internal sealed class ChildProcessOutcome
{
    private ChildProcessOutcome(string? startError, int exitCode, string standardOutput, string standardError)
    {
        StartError = startError;
        ExitCode = exitCode;
        StandardOutput = standardOutput;
        StandardError = standardError;
    }

    /// <summary>Gets the operating system's reason the process could not start; <see langword="null"/>
    /// when it started.</summary>
    public string? StartError { get; }

    public int ExitCode { get; }

    /// <summary>Gets the tail of standard output, with a truncation marker when it was cut.</summary>
    public string StandardOutput { get; }

    /// <summary>Gets the tail of standard error, with a truncation marker when it was cut.</summary>
    public string StandardError { get; }

    public static ChildProcessOutcome NotStarted(string reason) => new(reason, -1, "", "");

    public static ChildProcessOutcome Exited(int exitCode, string standardOutput, string standardError) =>
        new(startError: null, exitCode, standardOutput, standardError);
}

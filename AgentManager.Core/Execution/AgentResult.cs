namespace AgentManager.Execution;

/// <summary>The outcome of one agent run.</summary>
public sealed class AgentResult
{
    private AgentResult(bool succeeded, string output, string? error, int? exitCode)
    {
        Succeeded = succeeded;
        Output = output;
        Error = error;
        ExitCode = exitCode;
    }

    /// <summary>Gets a value indicating whether the agent completed its work.</summary>
    public bool Succeeded { get; }

    /// <summary>Gets what the agent produced (for a process, the tail of its standard output); empty when
    /// nothing.</summary>
    public string Output { get; }

    /// <summary>Gets why the run failed; <see langword="null"/> when it succeeded.</summary>
    public string? Error { get; }

    /// <summary>Gets the process exit code, when the agent was a process that exited.</summary>
    public int? ExitCode { get; }

    /// <summary>Gets what the run consumed, when the agent reports it; counted against budgets whether the run
    /// succeeded or failed.</summary>
    public AgentUsage? Usage { get; private init; }

    /// <summary>Returns a copy of this result that reports <paramref name="usage"/>.</summary>
    /// <param name="usage">What the run consumed.</param>
    /// <returns>The copy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="usage"/> is null.</exception>
    public AgentResult WithUsage(AgentUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return new(Succeeded, Output, Error, ExitCode) { Usage = usage };
    }

    /// <summary>Creates a successful result.</summary>
    /// <param name="output">What the agent produced; <see langword="null"/> means empty.</param>
    /// <param name="exitCode">The process exit code, if any.</param>
    /// <returns>The result.</returns>
    public static AgentResult Success(string? output = null, int? exitCode = null) =>
        new(succeeded: true, output ?? "", error: null, exitCode);

    /// <summary>Creates a failed result.</summary>
    /// <param name="error">Why the run failed; must not be blank.</param>
    /// <param name="output">What the agent produced before failing; <see langword="null"/> means empty.</param>
    /// <param name="exitCode">The process exit code, if any.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException"><paramref name="error"/> is null, empty or white space.</exception>
    public static AgentResult Failure(string error, string? output = null, int? exitCode = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        return new(succeeded: false, output ?? "", error, exitCode);
    }
}

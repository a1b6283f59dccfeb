namespace AgentManager.Execution;

/// <summary>The outcome of a verification.</summary>
public sealed class VerificationResult
{
    private VerificationResult(bool passed, string output, string? reason)
    {
        Passed = passed;
        Output = output;
        Reason = reason;
    }

    /// <summary>Gets a value indicating whether the work passed the check.</summary>
    public bool Passed { get; }

    /// <summary>Gets what the check printed; empty when nothing.</summary>
    public string Output { get; }

    /// <summary>Gets why the check failed; <see langword="null"/> when it passed.</summary>
    public string? Reason { get; }

    /// <summary>Creates a passing result.</summary>
    /// <param name="output">What the check printed; <see langword="null"/> means empty.</param>
    /// <returns>The result.</returns>
    public static VerificationResult Pass(string? output = null) => new(passed: true, output ?? "", reason: null);

    /// <summary>Creates a failing result.</summary>
    /// <param name="reason">Why the check failed; must not be blank.</param>
    /// <param name="output">What the check printed; <see langword="null"/> means empty.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is null, empty or white space.</exception>
    public static VerificationResult Fail(string reason, string? output = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(passed: false, output ?? "", reason);
    }
}

namespace AgentManager.Execution;

/// <summary>Checks an agent's work after a successful run.</summary>
/// <remarks>A check that does not pass is reported as a failed <see cref="VerificationResult"/>, not as an
/// exception.</remarks>
public interface IVerifier
{
    /// <summary>Checks the work of one attempt.</summary>
    /// <param name="context">The attempt and the agent's result.</param>
    /// <param name="cancellationToken">Cancels the check; the verifier stops its work before it throws.</param>
    /// <returns>Whether the work passed.</returns>
    /// <exception cref="OperationCanceledException">The token was canceled.</exception>
    ValueTask<VerificationResult> VerifyAsync(VerificationContext context, CancellationToken cancellationToken);
}

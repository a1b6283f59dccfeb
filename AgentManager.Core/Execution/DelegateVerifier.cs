namespace AgentManager.Execution;

/// <summary>An <see cref="IVerifier"/> backed by a function, for in-process checks and tests.</summary>
/// <remarks>Like <see cref="DelegateAgentRunner"/>: an exception thrown by the function becomes a failed
/// <see cref="VerificationResult"/> naming the exception type and message, except an
/// <see cref="OperationCanceledException"/> after the check's own token was canceled, which
/// propagates.</remarks>
public sealed class DelegateVerifier : IVerifier
{
    private readonly Func<VerificationContext, CancellationToken, ValueTask<VerificationResult>> verify;

    /// <summary>Creates the verifier.</summary>
    /// <param name="verify">The function that checks one attempt.</param>
    /// <exception cref="ArgumentNullException"><paramref name="verify"/> is null.</exception>
    public DelegateVerifier(Func<VerificationContext, CancellationToken, ValueTask<VerificationResult>> verify)
    {
        ArgumentNullException.ThrowIfNull(verify);
        this.verify = verify;
    }

    /// <inheritdoc/>
    public async ValueTask<VerificationResult> VerifyAsync(VerificationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        VerificationResult? result;
        try
        {
            result = await verify(context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any check error means the work did not pass, reported as a result.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return VerificationResult.Fail($"Delegate verifier threw {ex.GetType().FullName}: {ex.Message}");
        }

        return result ?? VerificationResult.Fail("Delegate verifier returned no result.");
    }
}

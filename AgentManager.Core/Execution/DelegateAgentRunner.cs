namespace AgentManager.Execution;

/// <summary>An <see cref="IAgentRunner"/> backed by a function, for in-process agents and tests.</summary>
/// <remarks>An exception thrown by the function becomes a failed <see cref="AgentResult"/> naming the
/// exception type and message, except an <see cref="OperationCanceledException"/> after the run's own token
/// was canceled, which propagates.</remarks>
public sealed class DelegateAgentRunner : IAgentRunner
{
    private readonly Func<AgentInvocation, CancellationToken, ValueTask<AgentResult>> run;

    /// <summary>Creates the runner.</summary>
    /// <param name="run">The function that runs one attempt.</param>
    /// <exception cref="ArgumentNullException"><paramref name="run"/> is null.</exception>
    public DelegateAgentRunner(Func<AgentInvocation, CancellationToken, ValueTask<AgentResult>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        this.run = run;
    }

    /// <inheritdoc/>
    public async ValueTask<AgentResult> RunAsync(AgentInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        AgentResult? result;
        try
        {
            result = await run(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any agent error is the agent's failure, reported as a result.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return AgentResult.Failure($"Delegate agent runner threw {ex.GetType().FullName}: {ex.Message}");
        }

        return result ?? AgentResult.Failure("Delegate agent runner returned no result.");
    }
}

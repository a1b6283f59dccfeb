namespace AgentManager.Execution;

/// <summary>Runs one attempt of a task through an agent.</summary>
/// <remarks>The engine calls <see cref="RunAsync"/> once per attempt and uses the token for both timeouts
/// and cancellation. An agent's own failure is reported as a failed <see cref="AgentResult"/>, not as an
/// exception.</remarks>
public interface IAgentRunner
{
    /// <summary>Runs the agent for one attempt of a task.</summary>
    /// <param name="invocation">What to run: the task, its prompt, its working directory and attempt.</param>
    /// <param name="cancellationToken">Cancels the run; the runner stops the agent before it throws.</param>
    /// <returns>The outcome of the attempt.</returns>
    /// <exception cref="OperationCanceledException">The token was canceled; the agent has been stopped.</exception>
    ValueTask<AgentResult> RunAsync(AgentInvocation invocation, CancellationToken cancellationToken);
}

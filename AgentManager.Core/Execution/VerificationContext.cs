namespace AgentManager.Execution;

/// <summary>What an <see cref="IVerifier"/> checks: one attempt and the agent's result.</summary>
public sealed class VerificationContext
{
    private readonly AgentInvocation invocation = null!;
    private readonly AgentResult agentResult = null!;

    /// <summary>Gets the attempt that was run.</summary>
    public required AgentInvocation Invocation
    {
        get => invocation;
        init => invocation = value ?? throw new ArgumentNullException(nameof(Invocation));
    }

    /// <summary>Gets the agent's result for the attempt.</summary>
    public required AgentResult AgentResult
    {
        get => agentResult;
        init => agentResult = value ?? throw new ArgumentNullException(nameof(AgentResult));
    }
}

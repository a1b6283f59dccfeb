namespace AgentManager.Workflows;

/// <summary>The heartbeat found that a workflow's lease was taken over.</summary>
internal sealed class LeaseLostCommand(string workflowId, long token, Persistence.LeaseLostException error) : IEngineCommand
{
    public string WorkflowId { get; } = workflowId;

    public long Token { get; } = token;

    public Persistence.LeaseLostException Error { get; } = error;
}

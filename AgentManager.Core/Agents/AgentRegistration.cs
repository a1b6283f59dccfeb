using AgentManager.Execution;

namespace AgentManager.Agents;

/// <summary>An agent registered with DI: its id and how to build its runner.</summary>
internal sealed class AgentRegistration(string agentId, Func<IServiceProvider, IAgentRunner> factory)
{
    public string AgentId { get; } = agentId;

    public Func<IServiceProvider, IAgentRunner> Factory { get; } = factory;
}

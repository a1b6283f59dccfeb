using AgentManager.Execution;

namespace AgentManager.Agents;

/// <summary>The agents registered with DI, built on first use.</summary>
internal sealed class AgentRegistry
{
    private readonly Lazy<IReadOnlyDictionary<string, IAgentRunner>> _runners;

    public AgentRegistry(IEnumerable<AgentRegistration> registrations, IServiceProvider services)
    {
        _runners = new Lazy<IReadOnlyDictionary<string, IAgentRunner>>(
            () => registrations.ToDictionary(r => r.AgentId, r => r.Factory(services), StringComparer.Ordinal));
    }

    public IEnumerable<string> AgentIds => _runners.Value.Keys;

    public bool TryGet(string agentId, out IAgentRunner runner) => _runners.Value.TryGetValue(agentId, out runner!);
}

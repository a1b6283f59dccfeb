namespace Microsoft.Extensions.DependencyInjection;

internal sealed class AgentManagerBuilder(IServiceCollection services) : IAgentManagerBuilder
{
    public IServiceCollection Services { get; } = services;
}

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Returned by <c>AddAgentManager()</c>; provider packages and agent registrations extend it.</summary>
public interface IAgentManagerBuilder
{
    /// <summary>Gets the service collection AgentManager is registered in.</summary>
    IServiceCollection Services { get; }
}

using AgentManager;
using AgentManager.Agents;
using AgentManager.Execution;
using Microsoft.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers agents on an <see cref="IAgentManagerBuilder"/>.</summary>
public static class AgentManagerBuilderExtensions
{
    /// <summary>Registers an agent that tasks name by <paramref name="agentId"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="agentId">The agent id; unique, matching <see cref="Ids.Pattern"/>.</param>
    /// <param name="runner">The runner.</param>
    /// <returns>The builder.</returns>
    public static IAgentManagerBuilder AddAgent(this IAgentManagerBuilder builder, string agentId, IAgentRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        return builder.AddAgent(agentId, _ => runner);
    }

    /// <summary>Registers an agent built from the service provider when the engine first needs it.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="agentId">The agent id; unique, matching <see cref="Ids.Pattern"/>.</param>
    /// <param name="factory">Builds the runner.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The id is malformed or already registered.</exception>
    public static IAgentManagerBuilder AddAgent(this IAgentManagerBuilder builder, string agentId, Func<IServiceProvider, IAgentRunner> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        Ids.ThrowIfInvalid(agentId);
        foreach (var descriptor in builder.Services)
        {
            if (descriptor.ServiceType == typeof(AgentRegistration) && descriptor.ImplementationInstance is AgentRegistration existing && existing.AgentId == agentId)
            {
                throw new ArgumentException($"Agent '{agentId}' is already registered; agent ids must be unique.", nameof(agentId));
            }
        }

        builder.Services.AddSingleton(new AgentRegistration(agentId, factory));
        return builder;
    }

    /// <summary>Adds an agent profile to the <see cref="AgentCatalog"/>: it replaces a built-in profile of the
    /// same agent id and is replaced by a profile file of the same agent id in the configuration directory.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="profile">The profile; checked with the catalog when the host starts.</param>
    /// <returns>The builder.</returns>
    public static IAgentManagerBuilder AddAgentProfile(this IAgentManagerBuilder builder, AgentProfile profile)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(profile);
        builder.Services.Configure<AgentCatalogOptions>(o => o.Profiles.Add(profile));
        return builder;
    }

    /// <summary>Registers an agent that runs a command (no shell) with the task's prompt.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="agentId">The agent id; unique, matching <see cref="Ids.Pattern"/>.</param>
    /// <param name="configure">Sets the command, environment and prompt delivery.</param>
    /// <returns>The builder.</returns>
    public static IAgentManagerBuilder AddProcessAgent(this IAgentManagerBuilder builder, string agentId, Action<ProcessAgentOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new ProcessAgentOptions();
        configure(options);
        return builder.AddAgent(agentId, new ProcessAgentRunner(options));
    }

    /// <summary>Registers an agent that asks the host's <see cref="IChatClient"/> service (Microsoft.Extensions.AI), with
    /// the task's prompt as the user message and the default options (see <see cref="ChatClientAgentRunner"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="agentId">The agent id; unique, matching <see cref="Ids.Pattern"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The id is malformed or already registered.</exception>
    /// <remarks>The client is resolved with the other registered agents, when the engine first needs an agent; without
    /// an <see cref="IChatClient"/> service that throws <see cref="InvalidOperationException"/> naming the agent.</remarks>
    public static IAgentManagerBuilder AddChatClientAgent(this IAgentManagerBuilder builder, string agentId) =>
        builder.AddChatClientAgent(agentId, HostsChatClient(agentId), configure: null);

    /// <summary>Registers an agent that asks the host's <see cref="IChatClient"/> service (Microsoft.Extensions.AI), with
    /// the task's prompt as the user message (see <see cref="ChatClientAgentRunner"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="agentId">The agent id; unique, matching <see cref="Ids.Pattern"/>.</param>
    /// <param name="configure">Sets the request options (model id, instructions, limits, tools) and the pricing.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The id is malformed or already registered.</exception>
    /// <remarks>The client is resolved with the other registered agents, when the engine first needs an agent; without
    /// an <see cref="IChatClient"/> service that throws <see cref="InvalidOperationException"/> naming the agent.</remarks>
    public static IAgentManagerBuilder AddChatClientAgent(this IAgentManagerBuilder builder, string agentId, Action<ChatClientAgentOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddChatClientAgent(agentId, HostsChatClient(agentId), configure);
    }

    /// <summary>Registers an agent that asks the <see cref="IChatClient"/> that <paramref name="client"/> picks (a keyed
    /// service, a client of its own), with the task's prompt as the user message (see <see cref="ChatClientAgentRunner"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="agentId">The agent id; unique, matching <see cref="Ids.Pattern"/>.</param>
    /// <param name="client">Picks the client from the service provider when the engine first needs the agent.</param>
    /// <param name="configure">Sets the request options (model id, instructions, limits, tools) and the pricing.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The id is malformed or already registered.</exception>
    public static IAgentManagerBuilder AddChatClientAgent(this IAgentManagerBuilder builder, string agentId, Func<IServiceProvider, IChatClient> client, Action<ChatClientAgentOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var options = new ChatClientAgentOptions();
        configure?.Invoke(options);
        return builder.AddAgent(agentId, services => new ChatClientAgentRunner(client(services), options));
    }

    private static Func<IServiceProvider, IChatClient> HostsChatClient(string agentId) =>
        services => services.GetService<IChatClient>() ?? throw new InvalidOperationException(
            $"Agent '{agentId}' asks the host's IChatClient service, and none is registered: register one (for example with AddChatClient) or pass a client to AddChatClientAgent.");
}

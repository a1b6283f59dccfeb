using AgentManager;
using AgentManager.Agents;
using AgentManager.Events;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers AgentManager in a service collection.</summary>
public static class AgentManagerServiceCollectionExtensions
{
    /// <summary>Registers the AgentManager engine with default options and the in-memory store.
    /// Calling it again changes nothing but adds no duplicate services.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder for agents and provider packages.</returns>
    public static IAgentManagerBuilder AddAgentManager(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(AgentManagerMarker)))
        {
            services.AddSingleton<AgentManagerMarker>();
            services.AddOptions<AgentManagerOptions>().ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentManagerOptions>, AgentManagerOptionsValidator>());
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton<IStateStore, InMemoryStateStore>();
            services.TryAddSingleton<IEventBus>(sp => new EventBus(
                sp.GetRequiredService<IOptions<AgentManagerOptions>>().Value.EventSubscriberCapacity,
                sp.GetService<ILogger<EventBus>>()));
            services.TryAddSingleton<AgentRegistry>();
            services.TryAddSingleton<WorkflowEngine>();
            services.TryAddSingleton<IWorkflowEngine>(sp => sp.GetRequiredService<WorkflowEngine>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AgentManagerHostedService>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RetentionService>());
        }

        return new AgentManagerBuilder(services);
    }

    /// <summary>Registers the AgentManager engine and configures its options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options; runs when the options are first read, after earlier configurations.</param>
    /// <returns>A builder for agents and provider packages.</returns>
    public static IAgentManagerBuilder AddAgentManager(this IServiceCollection services, Action<AgentManagerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddAgentManager();
        services.Configure(configure);
        return builder;
    }

    private sealed class AgentManagerMarker;
}

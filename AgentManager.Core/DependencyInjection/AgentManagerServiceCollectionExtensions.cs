using AgentManager;
using AgentManager.Agents;
using AgentManager.Events;
using AgentManager.Hooks;
using AgentManager.Inbox;
using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers AgentManager in a service collection.</summary>
public static class AgentManagerServiceCollectionExtensions
{
    /// <summary>Registers the AgentManager engine with default options and the in-memory store, the
    /// <see cref="AgentCatalog"/> (the built-in profiles and templates unless <see cref="AgentCatalogOptions"/>
    /// add more), the <see cref="IHookRunner"/> (hooks are off until <see cref="HookOptions.Enabled"/>), and the
    /// <see cref="TaskPlanService"/> over an in-memory <see cref="ITaskPlanStore"/>. Every service is added
    /// only when none is registered yet, so a host can register its own first. Calling it again changes
    /// nothing but adds no duplicate services.</summary>
    /// <remarks>The catalog and the hook runner are made when the host starts, so a bad profile file or
    /// <c>hooks.json</c> stops the start with an <see cref="AgentConfigurationException"/> or a
    /// <see cref="HookConfigurationException"/> naming the file; without a host, when first resolved.</remarks>
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
            services.AddOptions<AgentCatalogOptions>();
            services.TryAddSingleton(sp => AgentCatalog.Create(sp.GetRequiredService<IOptions<AgentCatalogOptions>>().Value));
            services.AddOptions<HookOptions>();
            services.TryAddSingleton<IHookRunner, HookRunner>();
            services.TryAddSingleton<WorkflowHooks>();
            services.TryAddSingleton<AttemptPreparer>();
            services.TryAddSingleton<ITaskPlanStore, InMemoryTaskPlanStore>();
            services.TryAddSingleton(CreatePlanService);
            services.TryAddSingleton<WorkflowEngine>();
            services.TryAddSingleton<IWorkflowEngine>(sp => sp.GetRequiredService<WorkflowEngine>());
            services.TryAddSingleton<IHumanInbox>(sp => sp.GetRequiredService<WorkflowEngine>());
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

    /// <summary>The plan service, which refuses to delete a plan while the workflow of the same id (the
    /// default id <c>PlanWorkflowBuilder</c> gives) is stored and unfinished, or while a schedule runs it.</summary>
    private static TaskPlanService CreatePlanService(IServiceProvider services)
    {
        var store = services.GetRequiredService<IStateStore>();
        return new TaskPlanService(
            services.GetRequiredService<ITaskPlanStore>(),
            services.GetRequiredService<AgentCatalog>(),
            services.GetRequiredService<IHookRunner>(),
            services.GetRequiredService<IEventBus>(),
            services.GetRequiredService<TimeProvider>(),
            async (plan, cancellationToken) =>
                await store.GetWorkflowAsync(plan.PlanId, cancellationToken).ConfigureAwait(false) is { } workflow && !workflow.Status.IsFinished())
        {
            FindSchedule = async (planId, cancellationToken) =>
                (await store.ListSchedulesAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(s => string.Equals(s.PlanId, planId, StringComparison.Ordinal))?.ScheduleId,
        };
    }

    private sealed class AgentManagerMarker;
}

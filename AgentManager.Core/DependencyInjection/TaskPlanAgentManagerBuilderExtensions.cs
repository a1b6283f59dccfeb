using AgentManager.Agents;
using AgentManager.Events;
using AgentManager.Hooks;
using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers task plans: <see cref="TaskPlanService"/> with its store, hook runner and agent catalog.</summary>
public static class TaskPlanAgentManagerBuilderExtensions
{
    /// <summary>Registers <see cref="TaskPlanService"/> and what it needs, each only when none is registered
    /// yet: the in-memory <see cref="ITaskPlanStore"/>, the process <see cref="IHookRunner"/> configured by
    /// <see cref="HookOptions"/> (checked when the host starts), and <see cref="AgentCatalog.CreateDefault"/>.
    /// A plan cannot be deleted while the workflow of the same id runs. Calling it again changes nothing.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IAgentManagerBuilder AddTaskPlans(this IAgentManagerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => AgentCatalog.CreateDefault());
        services.AddOptions<HookOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HookOptions>, HookOptionsValidator>());
        services.TryAddSingleton<IHookRunner, HookRunner>();
        services.TryAddSingleton<ITaskPlanStore, InMemoryTaskPlanStore>();
        services.TryAddSingleton(sp =>
        {
            var state = sp.GetRequiredService<IStateStore>();
            return new TaskPlanService(
                sp.GetRequiredService<ITaskPlanStore>(),
                sp.GetRequiredService<AgentCatalog>(),
                sp.GetRequiredService<IHookRunner>(),
                sp.GetRequiredService<IEventBus>(),
                sp.GetRequiredService<TimeProvider>(),
                async (plan, cancellationToken) =>
                    await state.GetWorkflowAsync(plan.PlanId, cancellationToken).ConfigureAwait(false) is { Status: WorkflowStatus.Running });
        });
        return builder;
    }
}

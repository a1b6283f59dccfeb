using AgentManager.Plans;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the takeover of plan-based workflows that no engine holds.</summary>
public static class PlanWorkflowTakeoverAgentManagerBuilderExtensions
{
    /// <summary>Adds a hosted service that scans the state store every <see cref="PlanWorkflowTakeoverOptions.Interval"/>
    /// and resumes on this host each running workflow made from a confirmed task plan whose lease expired or was given
    /// up, building its definition again from that plan version. With several hosts on one shared store, a host that
    /// dies leaves its plan-based workflows to the others once its leases expire. Workflows made from code are left to
    /// their callers (<c>IWorkflowEngine.ResumeAsync</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the scan interval.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The interval is not positive.</exception>
    public static IAgentManagerBuilder AddPlanWorkflowTakeover(this IAgentManagerBuilder builder, Action<PlanWorkflowTakeoverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new PlanWorkflowTakeoverOptions();
        configure?.Invoke(options);
        if (options.Interval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"PlanWorkflowTakeoverOptions.Interval is {options.Interval}; it must be positive.", nameof(configure));
        }

        builder.Services.Configure<PlanWorkflowTakeoverOptions>(o => o.Interval = options.Interval);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PlanWorkflowTakeover>());
        return builder;
    }
}

using AgentManager.Schedules;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers schedules: cron and interval schedules that start workflows.</summary>
public static class ScheduleAgentManagerBuilderExtensions
{
    /// <summary>Registers <see cref="IScheduleService"/> and the hosted schedule runner, which at host start
    /// stores the schedules of <see cref="ScheduleOptions.Schedules"/> and of
    /// <see cref="ScheduleOptions.ConfigDirectory"/>'s <c>schedules/*.json</c>, resumes the runs a previous
    /// process left, and then fires schedules until the host stops. A host that does not call this runs no
    /// schedule code. Calling it again adds only the configuration.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options; runs when the options are first read, after earlier configurations.</param>
    /// <returns>The builder.</returns>
    public static IAgentManagerBuilder AddSchedules(this IAgentManagerBuilder builder, Action<ScheduleOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(SchedulesMarker)))
        {
            services.AddSingleton<SchedulesMarker>();
            services.AddOptions<ScheduleOptions>().ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScheduleOptions>, ScheduleOptionsValidator>());
            services.TryAddSingleton<ScheduleFactories>();
            services.TryAddSingleton<ScheduleWake>();
            services.TryAddSingleton<IScheduleService, ScheduleService>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ScheduleRunner>());
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }

    private sealed class SchedulesMarker;
}

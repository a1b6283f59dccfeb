using AgentManager.Schedules;
using Microsoft.Extensions.Options;

namespace AgentManager.Hosting.Schedules;

/// <summary>Adds the schedules defined over HTTP to the host's schedules, so that the runner registers their
/// workflow factories at start (their records, paused state and runs are kept in the store).</summary>
internal sealed class ApiScheduleOptionsSetup(ApiSchedules schedules) : IConfigureOptions<ScheduleOptions>
{
    public void Configure(ScheduleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var definition in schedules.LoadAll())
        {
            options.Schedules.Add(definition);
        }
    }
}

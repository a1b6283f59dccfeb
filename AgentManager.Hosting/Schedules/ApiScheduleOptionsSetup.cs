using AgentManager.Schedules;
using Microsoft.Extensions.Options;

namespace AgentManager.Hosting.Schedules;

/// <summary>Adds the schedules defined over HTTP with a plan in their body to the host's schedules, so that the runner
/// registers their workflow factories at start (their records, paused state and runs are kept in the store).</summary>
/// <remarks>A schedule of a stored plan needs nothing from this process: its record names the plan, and a plan deleted
/// since must fail its firings (<c>schedule_failed</c>), not the host's start, as a configured schedule would.</remarks>
internal sealed class ApiScheduleOptionsSetup(ApiSchedules schedules) : IConfigureOptions<ScheduleOptions>
{
    public void Configure(ScheduleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var definition in schedules.LoadAll().Where(d => d.PlanId is null))
        {
            options.Schedules.Add(definition);
        }
    }
}

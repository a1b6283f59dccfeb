namespace AgentManager.Schedules;

/// <summary>Settings of the schedule runner, set through <c>AddSchedules(o => ...)</c>.</summary>
public sealed class ScheduleOptions
{
    /// <summary>Gets the schedules defined in code. At host start each is stored (or its stored definition
    /// updated); the store keeps each schedule's paused state and runs.</summary>
    public IList<ScheduleDefinition> Schedules { get; } = new List<ScheduleDefinition>();

    /// <summary>Gets or sets a configuration directory whose <c>schedules/*.json</c> files (see
    /// <see cref="SchedulesFile"/>) are loaded at host start, together with <see cref="Schedules"/>.</summary>
    /// <value>The default, <see langword="null"/>, loads no files.</value>
    public string? ConfigDirectory { get; set; }

    /// <summary>Gets or sets how often the runner reads the schedule records again even when no run is due,
    /// which is how a pause, resume or change written by another process takes effect.</summary>
    /// <value>The default is 1 second. Must be positive and at most 49.7 days (what a timer accepts).</value>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how late a run may start and still count as on time; an occurrence found later
    /// than this (after the host was down, for example) is missed and handled by the schedule's
    /// <see cref="MissedRunPolicy"/>.</summary>
    /// <value>The default is 1 minute. Must not be negative.</value>
    public TimeSpan MissedRunTolerance { get; set; } = TimeSpan.FromMinutes(1);
}

namespace AgentManager.Schedules;

/// <summary>The fields of a schedule that a rule can name: by property in code, by wire name in files.</summary>
internal enum ScheduleField
{
    Id,
    Cron,
    TimeZone,
    Interval,
    Plan,
    PlanId,
    PlanVersion,
    MissedRunPolicy,
}

namespace AgentManager.Hosting.Contracts;

/// <summary><c>POST /schedules</c>: when (a cron expression in a time zone, or an interval) and what each
/// firing runs (a confirmed version of a task plan by <c>plan_id</c> and optional <c>plan_version</c>, or a
/// <c>plan</c> given in the body).</summary>
internal sealed class NewScheduleRequest
{
    public string? ScheduleId { get; set; }

    public string? Cron { get; set; }

    public string? TimeZone { get; set; }

    public double? IntervalSeconds { get; set; }

    public string? MissedRunPolicy { get; set; }

    public bool? AllowOverlap { get; set; }

    public bool? Paused { get; set; }

    public string? PlanId { get; set; }

    public int? PlanVersion { get; set; }

    public NewPlanRequest? Plan { get; set; }
}

/// <summary>A stored schedule and where its runs stand.</summary>
internal sealed record ScheduleView(
    string ScheduleId,
    string? Cron,
    string? TimeZone,
    double? IntervalSeconds,
    string? PlanPath,
    string? PlanId,
    int? PlanVersion,
    string MissedRunPolicy,
    bool AllowOverlap,
    bool Paused,
    DateTimeOffset? NextRun,
    DateTimeOffset? LastOccurrence,
    string? LastWorkflowId,
    string? RunningWorkflowId,
    DateTimeOffset UpdatedAt);

using AgentManager.Workflows;

namespace AgentManager.Schedules;

/// <summary>A schedule: when it fires (a cron expression in a time zone, or a fixed interval) and the workflow
/// each firing starts (a confirmed task plan of the plan store, a plan file, or a factory in code).</summary>
/// <remarks>Set exactly one of <see cref="Cron"/> and <see cref="Interval"/>, and exactly one of
/// <see cref="PlanId"/> (with <see cref="PlanVersion"/>), <see cref="PlanPath"/> and <see cref="WorkflowFactory"/>;
/// <see cref="IScheduleService.AddOrUpdateAsync"/> and the host's start check every rule and report each broken one
/// in a <see cref="ScheduleConfigurationException"/>. With several hosts on one store, a host fires only the
/// schedules whose runs it can build: a stored plan, every host sharing the plan store; a plan file, the hosts that
/// have it at that path; a factory, the processes that registered it.</remarks>
public sealed class ScheduleDefinition
{
    /// <summary>The longest schedule id: the run's workflow id adds the occurrence to it and must stay a
    /// valid id.</summary>
    public const int MaxIdLength = Ids.MaxLength - 30;

    /// <summary>Gets or sets the schedule id: a valid id (see <see cref="Ids"/>) of at most
    /// <see cref="MaxIdLength"/> characters.</summary>
    public required string Id { get; set; }

    /// <summary>Gets or sets the cron expression (Cronos syntax): five fields (minute, hour, day of month,
    /// month, day of week), six with a leading seconds field, or a macro such as <c>@daily</c>. <c>H</c> picks
    /// a value that is fixed per schedule id.</summary>
    public string? Cron { get; set; }

    /// <summary>Gets or sets the time zone the cron expression is read in: an IANA id (<c>Europe/Berlin</c>) or
    /// a Windows id (<c>W. Europe Standard Time</c>). Daylight saving changes are handled as cron does: a time
    /// skipped by the change fires at the change, a repeated one fires once.</summary>
    /// <value>The default, <see langword="null"/>, is UTC. Only for cron schedules.</value>
    public string? TimeZone { get; set; }

    /// <summary>Gets or sets the fixed interval between runs, at least 1 second. The first run is one
    /// interval after the schedule is first stored.</summary>
    public TimeSpan? Interval { get; set; }

    /// <summary>Gets or sets the id of the task plan in the plan store (<see cref="Plans.TaskPlanService"/>) each run
    /// is built from, as <see cref="Plans.PlanWorkflowBuilder"/> builds it (an assignee whose catalog profile has a
    /// runner runs it; any other is an agent registered with DI). Every host sharing the plan store can build the runs.</summary>
    public string? PlanId { get; set; }

    /// <summary>Gets or sets the version of <see cref="PlanId"/> each run is built from; it must be confirmed when
    /// the schedule is stored. A confirmed version never changes, so every run is what was reviewed.</summary>
    /// <value>Required with <see cref="PlanId"/>; at least 1.</value>
    public int? PlanVersion { get; set; }

    /// <summary>Gets or sets the plan file (see <see cref="Plans.PlanFile"/>) each run is built from; it is
    /// read again at every firing, so edits apply to the next run. A relative path is made absolute
    /// against the current directory when the schedule is stored.</summary>
    public string? PlanPath { get; set; }

    /// <summary>Gets or sets the factory that builds each run's workflow in code. The runner sets the
    /// definition's <see cref="WorkflowDefinition.Id"/> to <see cref="ScheduleFiring.WorkflowId"/>. After a
    /// restart the factory is called again for the same firing to resume an unfinished run, so it must build
    /// the same tasks for it.</summary>
    public Func<ScheduleFiring, CancellationToken, ValueTask<WorkflowDefinition>>? WorkflowFactory { get; set; }

    /// <summary>Gets or sets what happens to occurrences missed while no runner was running.</summary>
    /// <value>The default is <see cref="MissedRunPolicy.Skip"/>.</value>
    public MissedRunPolicy MissedRunPolicy { get; set; } = MissedRunPolicy.Skip;

    /// <summary>Gets or sets whether a run may start while the previous run is unfinished.</summary>
    /// <value>The default is <see langword="false"/>: such a firing is skipped with <c>schedule_skipped</c>.</value>
    public bool AllowOverlap { get; set; }

    /// <summary>Gets or sets whether a schedule that is new to the store starts paused. The store keeps the
    /// paused state from then on: pause and resume change it, a later definition does not.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool Paused { get; set; }
}

using AgentManager.Schedules;

namespace AgentManager.Persistence;

/// <summary>The stored state of a schedule: the definition fields needed to rebuild its timing and its
/// workflow, whether it is paused, and where its runs stand.</summary>
/// <remarks>Writes are optimistic: <see cref="IStateStore.TrySaveScheduleAsync"/> stores a record only when
/// its <see cref="Revision"/> is the stored one, so that a pause written by another process is never
/// overwritten by a runner that read the record before.</remarks>
public sealed record ScheduleRecord
{
    /// <summary>Gets the schedule id.</summary>
    public required string ScheduleId { get; init; }

    /// <summary>Gets the cron expression, or <see langword="null"/> for an interval schedule.</summary>
    public string? Cron { get; init; }

    /// <summary>Gets the time zone the cron expression is read in (an IANA or Windows id); <see langword="null"/>
    /// means UTC.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Gets the fixed interval between runs, or <see langword="null"/> for a cron schedule.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>Gets the plan file each run is built from, as a full path; <see langword="null"/> when the runs
    /// come from a stored task plan (<see cref="PlanId"/>) or a workflow factory in code.</summary>
    public string? PlanPath { get; init; }

    /// <summary>Gets the task plan of the plan store each run is built from (the version <see cref="PlanVersion"/>);
    /// <see langword="null"/> when the runs come from a plan file or a workflow factory.</summary>
    public string? PlanId { get; init; }

    /// <summary>Gets the confirmed version of <see cref="PlanId"/> each run is built from.</summary>
    public int? PlanVersion { get; init; }

    /// <summary>Gets what happens to occurrences that passed while no runner was running.</summary>
    public MissedRunPolicy MissedRunPolicy { get; init; }

    /// <summary>Gets whether a run may start while the previous run of the schedule is unfinished.</summary>
    public bool AllowOverlap { get; init; }

    /// <summary>Gets whether the schedule is paused: it starts no run until it is resumed.</summary>
    public bool Paused { get; init; }

    /// <summary>Gets the next occurrence to fire, or <see langword="null"/> when the schedule never fires again.</summary>
    public DateTimeOffset? NextRun { get; init; }

    /// <summary>Gets the last occurrence that started (or was recorded to start) a run.</summary>
    public DateTimeOffset? LastOccurrence { get; init; }

    /// <summary>Gets the workflow id of the last run.</summary>
    public string? LastWorkflowId { get; init; }

    /// <summary>Gets the workflow id of the run that is not known to have finished yet; <see langword="null"/>
    /// when none is. A workflow named here is never purged.</summary>
    public string? RunningWorkflowId { get; init; }

    /// <summary>Gets when the record was last written.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets the revision: 0 for a record not stored yet, then one more for every stored change.</summary>
    public long Revision { get; init; }
}

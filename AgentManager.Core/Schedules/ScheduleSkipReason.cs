namespace AgentManager.Schedules;

/// <summary>Why a schedule started no run for an occurrence (see <see cref="Events.ScheduleEvent.SkipReason"/>).</summary>
public enum ScheduleSkipReason
{
    /// <summary>The occurrence passed while no runner was running and the policy is <see cref="MissedRunPolicy.Skip"/>.</summary>
    Missed,

    /// <summary>The previous run had not finished and the schedule does not allow overlap.</summary>
    Overlap,
}

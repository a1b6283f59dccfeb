namespace AgentManager.Schedules;

/// <summary>One firing of a schedule, handed to its <see cref="ScheduleDefinition.WorkflowFactory"/>.</summary>
public sealed class ScheduleFiring
{
    internal ScheduleFiring(string scheduleId, string workflowId, DateTimeOffset occurrence, bool catchUp)
    {
        ScheduleId = scheduleId;
        WorkflowId = workflowId;
        Occurrence = occurrence;
        CatchUp = catchUp;
    }

    /// <summary>Gets the schedule id.</summary>
    public string ScheduleId { get; }

    /// <summary>Gets the id the run's workflow gets: the schedule id and the occurrence in UTC, the same on
    /// every attempt to start this occurrence, so that a restart never starts it twice.</summary>
    public string WorkflowId { get; }

    /// <summary>Gets the occurrence this run is for (the scheduled time, not when it started).</summary>
    public DateTimeOffset Occurrence { get; }

    /// <summary>Gets whether this is the catch-up run of <see cref="MissedRunPolicy.RunOnce"/>.</summary>
    public bool CatchUp { get; }
}

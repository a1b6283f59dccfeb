using AgentManager.Schedules;

namespace AgentManager.Events;

/// <summary>Something happened to a schedule: fired, skipped, paused, resumed or failed.</summary>
/// <remarks>A schedule's events carry the schedule id as their <see cref="AgentManagerEvent.WorkflowId"/>, so
/// one <see cref="EventFilter"/> on that id sees them all; the run's workflow is
/// <see cref="RunWorkflowId"/>.</remarks>
public sealed record ScheduleEvent : AgentManagerEvent
{
    /// <summary>Creates a schedule event.</summary>
    /// <param name="type">One of the <c>schedule_*</c> constants of <see cref="EventTypes"/>.</param>
    /// <param name="scheduleId">The schedule.</param>
    /// <param name="timestamp">When it happened, from the caller's <see cref="TimeProvider"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a <c>schedule_*</c> constant or
    /// <paramref name="scheduleId"/> is not a valid id.</exception>
    public ScheduleEvent(string type, string scheduleId, DateTimeOffset timestamp)
        : base(RequireScheduleType(type), scheduleId, timestamp)
    {
    }

    /// <summary>Gets the schedule id (the same as <see cref="AgentManagerEvent.WorkflowId"/>).</summary>
    public string ScheduleId => WorkflowId;

    /// <summary>Gets the occurrence the event is about (the scheduled time); set on fired, skipped and failed.</summary>
    public DateTimeOffset? Occurrence { get; init; }

    /// <summary>Gets the run's workflow: the one started (fired), the one that could not start (failed), or
    /// the unfinished previous run (skipped for overlap).</summary>
    public string? RunWorkflowId { get; init; }

    /// <summary>Gets the schedule's next run after the event, when known.</summary>
    public DateTimeOffset? NextRun { get; init; }

    /// <summary>Gets whether the run is the catch-up run of <see cref="MissedRunPolicy.RunOnce"/>.</summary>
    public bool CatchUp { get; init; }

    /// <summary>Gets how many occurrences passed without a run of their own before this one (fired) or
    /// including this one (skipped as missed).</summary>
    public int MissedOccurrences { get; init; }

    /// <summary>Gets why no run started: set on <c>schedule_skipped</c>.</summary>
    public ScheduleSkipReason? SkipReason { get; init; }

    /// <summary>Gets what happened, in words: set on skipped and failed.</summary>
    public string? Reason { get; init; }

    private static string RequireScheduleType(string type) => EventTypes.IsScheduleType(type)
        ? type
        : throw new ArgumentException(
            $"'{type}' is not a schedule event type; use one of the EventTypes.Schedule* constants (schedule_fired, schedule_skipped, schedule_paused, schedule_resumed, schedule_failed).",
            nameof(type));
}

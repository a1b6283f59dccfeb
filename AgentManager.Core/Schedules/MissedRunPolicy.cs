namespace AgentManager.Schedules;

/// <summary>What a schedule does with occurrences that passed while no runner was running (the host was
/// down, or busy for longer than <see cref="ScheduleOptions.MissedRunTolerance"/>). Wire names: <c>skip</c>,
/// <c>run_once</c> (see <see cref="MissedRunPolicyNames"/>).</summary>
public enum MissedRunPolicy
{
    /// <summary>Start no run for them: publish <c>schedule_skipped</c> and wait for the next future occurrence.</summary>
    Skip,

    /// <summary>Start one catch-up run for the latest of them, however many there were.</summary>
    RunOnce,
}

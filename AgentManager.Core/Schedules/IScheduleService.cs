using AgentManager.Persistence;

namespace AgentManager.Schedules;

/// <summary>Lists, defines, pauses, resumes and deletes schedules. Every change is written to the state
/// store, so it also reaches a runner in another process sharing the store (within its
/// <see cref="ScheduleOptions.RefreshInterval"/>).</summary>
public interface IScheduleService
{
    /// <summary>Lists every stored schedule, by id.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The schedules.</returns>
    Task<IReadOnlyList<ScheduleRecord>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads one schedule.</summary>
    /// <param name="scheduleId">The schedule id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scheduleId"/> is null.</exception>
    /// <exception cref="ScheduleNotFoundException">No schedule has that id.</exception>
    Task<ScheduleRecord> GetAsync(string scheduleId, CancellationToken cancellationToken = default);

    /// <summary>Stores a new schedule, or the new definition of a stored one. A stored schedule keeps its
    /// paused state and runs; its next run is computed again only when its cron, time zone or interval
    /// changed. A <see cref="ScheduleDefinition.WorkflowFactory"/> is kept in this process only, so only this process
    /// fires the schedule; one of a stored plan (<see cref="ScheduleDefinition.PlanId"/>) is fired by any host sharing
    /// the state and plan stores.</summary>
    /// <param name="definition">The schedule.</param>
    /// <param name="cancellationToken">Cancels the write before it is applied.</param>
    /// <returns>The stored schedule.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="definition"/> is null.</exception>
    /// <exception cref="ScheduleConfigurationException">The definition breaks a rule: a malformed or too
    /// long id, neither or both of cron and interval, an invalid cron expression, an unknown time zone or
    /// one on an interval schedule, an interval that is not positive or shorter than 1 second, not exactly one of
    /// a stored plan, a plan file and a factory, a plan file that does not exist, a stored plan without a version or
    /// whose version does not exist or is not confirmed, an undefined policy. Every broken rule is listed and nothing
    /// is stored.</exception>
    Task<ScheduleRecord> AddOrUpdateAsync(ScheduleDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>Pauses a schedule: it starts no run until resumed; a run in progress goes on. Pausing a
    /// paused schedule changes nothing.</summary>
    /// <param name="scheduleId">The schedule id.</param>
    /// <param name="cancellationToken">Cancels the write before it is applied.</param>
    /// <returns>The stored schedule.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scheduleId"/> is null.</exception>
    /// <exception cref="ScheduleNotFoundException">No schedule has that id.</exception>
    Task<ScheduleRecord> PauseAsync(string scheduleId, CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused schedule. Occurrences that passed while it was paused are not run: its
    /// next run is its first occurrence after now. Resuming a schedule that is not paused changes nothing.</summary>
    /// <param name="scheduleId">The schedule id.</param>
    /// <param name="cancellationToken">Cancels the write before it is applied.</param>
    /// <returns>The stored schedule.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scheduleId"/> is null.</exception>
    /// <exception cref="ScheduleNotFoundException">No schedule has that id.</exception>
    /// <exception cref="ScheduleConfigurationException">The stored timing is no longer valid on this machine
    /// (for example an unknown time zone); define the schedule again.</exception>
    Task<ScheduleRecord> ResumeAsync(string scheduleId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a schedule. Its workflows, finished or running, are left alone. A schedule defined
    /// in the host's options or files is stored again at the next host start.</summary>
    /// <param name="scheduleId">The schedule id.</param>
    /// <param name="cancellationToken">Cancels the write before it is applied.</param>
    /// <returns><see langword="true"/> when the schedule existed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scheduleId"/> is null.</exception>
    Task<bool> DeleteAsync(string scheduleId, CancellationToken cancellationToken = default);
}

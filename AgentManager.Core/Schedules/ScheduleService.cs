using AgentManager.Persistence;
using AgentManager.Plans;

namespace AgentManager.Schedules;

/// <summary>The <see cref="IScheduleService"/> over the state store.</summary>
internal sealed class ScheduleService(IStateStore store, ScheduleFactories factories, ScheduleWake wake, TimeProvider time, TaskPlanService plans) : IScheduleService
{
    public Task<IReadOnlyList<ScheduleRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        store.ListSchedulesAsync(cancellationToken);

    public async Task<ScheduleRecord> GetAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scheduleId);
        return await store.GetScheduleAsync(scheduleId, cancellationToken).ConfigureAwait(false)
            ?? throw new ScheduleNotFoundException(scheduleId);
    }

    public async Task<ScheduleRecord> AddOrUpdateAsync(ScheduleDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var timing = ScheduleValidator.ThrowIfInvalid(definition);
        var errors = new List<string>();
        await ScheduleValidator.CheckStoredPlanExistsAsync(definition, plans, errors, cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            throw new ScheduleConfigurationException(errors, definition.Id);
        }

        var now = time.GetUtcNow();

        // The factory is in place before the record, so the runner never finds the one without the other.
        factories.Set(definition);
        var saved = await ScheduleRecords.UpdateAsync(store, definition.Id, stored => ScheduleRecords.Define(stored, definition, timing, now), cancellationToken).ConfigureAwait(false);
        wake.Signal();
        return saved!;
    }

    public Task<ScheduleRecord> PauseAsync(string scheduleId, CancellationToken cancellationToken = default) =>
        ChangeAsync(scheduleId, (stored, _) => stored.Paused ? null : stored with { Paused = true }, cancellationToken);

    public Task<ScheduleRecord> ResumeAsync(string scheduleId, CancellationToken cancellationToken = default) =>
        ChangeAsync(
            scheduleId,
            (stored, now) => !stored.Paused ? null : stored with
            {
                Paused = false,
                NextRun = stored.NextRun is { } next && next > now ? next : ScheduleRecords.Timing(stored).After(stored.NextRun ?? now, now),
            },
            cancellationToken);

    public async Task<bool> DeleteAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scheduleId);
        var deleted = await store.DeleteScheduleAsync(scheduleId, cancellationToken).ConfigureAwait(false);
        factories.Remove(scheduleId);
        wake.Signal();
        return deleted;
    }

    private async Task<ScheduleRecord> ChangeAsync(string scheduleId, Func<ScheduleRecord, DateTimeOffset, ScheduleRecord?> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scheduleId);
        var saved = await ScheduleRecords.UpdateAsync(
            store,
            scheduleId,
            stored =>
            {
                var now = time.GetUtcNow();
                return change(stored ?? throw new ScheduleNotFoundException(scheduleId), now) is { } changed ? changed with { UpdatedAt = now } : null;
            },
            cancellationToken).ConfigureAwait(false);
        wake.Signal();
        return saved!;
    }
}

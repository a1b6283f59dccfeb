namespace AgentManager.Persistence;

internal sealed partial class InMemoryStateStore
{
    private readonly SortedDictionary<string, ScheduleRecord> _schedules = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            return Task.FromResult<IReadOnlyList<ScheduleRecord>>([.. _schedules.Values]);
        }
    }

    public Task<ScheduleRecord?> GetScheduleAsync(string scheduleId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scheduleId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            return Task.FromResult(_schedules.GetValueOrDefault(scheduleId));
        }
    }

    public Task<ScheduleRecord?> TrySaveScheduleAsync(ScheduleRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            var stored = _schedules.GetValueOrDefault(record.ScheduleId)?.Revision ?? 0;
            if (stored != record.Revision)
            {
                return Task.FromResult<ScheduleRecord?>(null);
            }

            var saved = record with { Revision = record.Revision + 1 };
            _schedules[record.ScheduleId] = saved;
            return Task.FromResult<ScheduleRecord?>(saved);
        }
    }

    public Task<bool> DeleteScheduleAsync(string scheduleId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scheduleId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            return Task.FromResult(_schedules.Remove(scheduleId));
        }
    }

    /// <summary>The workflows that schedules still count as running; purging keeps them. Call under the lock.</summary>
    private HashSet<string> ScheduledRunsInProgress() =>
        _schedules.Values.Select(s => s.RunningWorkflowId).OfType<string>().ToHashSet(StringComparer.Ordinal);
}

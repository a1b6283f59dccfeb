using System.Globalization;
using AgentManager.Persistence;

namespace AgentManager.Schedules;

/// <summary>Builds and changes schedule records: from definitions, with optimistic retries, and the
/// deterministic workflow id of each occurrence.</summary>
internal static class ScheduleRecords
{
    private const int MaxAttempts = 100;

    /// <summary>The record of a definition: a new one, or the stored one with the definition's fields. The
    /// stored paused state and runs are kept; the next run is computed again when the timing changed.</summary>
    public static ScheduleRecord Define(ScheduleRecord? stored, ScheduleDefinition definition, ScheduleTiming timing, DateTimeOffset now)
    {
        var sameTiming = stored is not null
            && string.Equals(stored.Cron, definition.Cron, StringComparison.Ordinal)
            && string.Equals(stored.TimeZone, definition.TimeZone, StringComparison.Ordinal)
            && stored.Interval == definition.Interval;
        var record = stored ?? new ScheduleRecord { ScheduleId = definition.Id, Paused = definition.Paused };
        return record with
        {
            Cron = definition.Cron,
            TimeZone = definition.TimeZone,
            Interval = definition.Interval,
            PlanPath = definition.PlanPath is null ? null : Path.GetFullPath(definition.PlanPath),
            PlanId = definition.PlanId,
            PlanVersion = definition.PlanId is null ? null : definition.PlanVersion,
            MissedRunPolicy = definition.MissedRunPolicy,
            AllowOverlap = definition.AllowOverlap,
            NextRun = sameTiming ? stored!.NextRun : timing.First(now),
            UpdatedAt = now,
        };
    }

    /// <summary>Applies a change to the stored record, reading it again and reapplying the change when another
    /// write came first.</summary>
    /// <param name="store">The store.</param>
    /// <param name="scheduleId">The schedule id.</param>
    /// <param name="change">Returns the new record for the current one (which may be null), or null for no change.</param>
    /// <param name="cancellationToken">Cancels the reads and writes.</param>
    /// <returns>The stored record after the change, or the current one when there was nothing to change.</returns>
    public static async Task<ScheduleRecord?> UpdateAsync(IStateStore store, string scheduleId, Func<ScheduleRecord?, ScheduleRecord?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await store.GetScheduleAsync(scheduleId, cancellationToken).ConfigureAwait(false);
            if (change(current) is not { } next)
            {
                return current;
            }

            if (await store.TrySaveScheduleAsync(next with { Revision = current?.Revision ?? 0 }, cancellationToken).ConfigureAwait(false) is { } saved)
            {
                return saved;
            }
        }

        throw new InvalidOperationException($"Schedule '{scheduleId}' kept changing under {MaxAttempts} attempts to update it; try again.");
    }

    /// <summary>The timing of a stored record.</summary>
    /// <exception cref="ScheduleConfigurationException">The stored timing is no longer valid (for example a
    /// time zone this machine does not know).</exception>
    public static ScheduleTiming Timing(ScheduleRecord record)
    {
        var problems = new List<(ScheduleField Field, string Message)>();
        return ScheduleTiming.Parse(record.ScheduleId, record.Cron, record.TimeZone, record.Interval, problems)
            ?? throw new ScheduleConfigurationException(problems.Select(problem => ScheduleValidator.Describe(record.ScheduleId, problem)), record.ScheduleId);
    }

    /// <summary>The workflow id of an occurrence's run: the schedule id, a dash and the occurrence in UTC
    /// (<c>nightly-20260304T020000Z</c>, with milliseconds when it has any).</summary>
    public static string WorkflowId(string scheduleId, DateTimeOffset occurrence)
    {
        var utc = occurrence.UtcDateTime;
        var format = utc.Millisecond == 0 ? "yyyyMMdd'T'HHmmss'Z'" : "yyyyMMdd'T'HHmmss'.'fff'Z'";
        return scheduleId + "-" + utc.ToString(format, CultureInfo.InvariantCulture);
    }
}

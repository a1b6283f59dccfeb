using Cronos;

namespace AgentManager.Schedules;

/// <summary>When a schedule fires: a parsed cron expression in a time zone, or a fixed interval. Occurrences
/// form one series; the stored next run is always one of them.</summary>
internal sealed class ScheduleTiming
{
    private const int MinimumIntervalSeconds = 1;
    private const int MaximumIntervalDays = 3650;

    private readonly CronExpression? _cron;
    private readonly TimeZoneInfo _zone = TimeZoneInfo.Utc;
    private readonly TimeSpan _interval;

    private ScheduleTiming(CronExpression cron, TimeZoneInfo zone)
    {
        _cron = cron;
        _zone = zone;
    }

    private ScheduleTiming(TimeSpan interval)
    {
        _interval = interval;
    }

    /// <summary>Parses the timing fields of a schedule, recording a problem per broken rule.</summary>
    public static ScheduleTiming? Parse(string scheduleId, string? cron, string? timeZone, TimeSpan? interval, ICollection<(ScheduleField Field, string Message)> problems)
    {
        var before = problems.Count;
        if (cron is null && interval is null)
        {
            problems.Add((ScheduleField.Cron, "a schedule needs a cron expression or an interval; neither is set"));
            return null;
        }

        if (cron is not null && interval is not null)
        {
            problems.Add((ScheduleField.Interval, "a schedule has either a cron expression or an interval, not both"));
            return null;
        }

        if (interval is { } every)
        {
            if (timeZone is not null)
            {
                problems.Add((ScheduleField.TimeZone, "a time zone applies only to a cron schedule; remove it or use a cron expression"));
            }

            if (every <= TimeSpan.Zero)
            {
                problems.Add((ScheduleField.Interval, $"{every.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} seconds is not positive"));
            }
            else if (every < TimeSpan.FromSeconds(MinimumIntervalSeconds))
            {
                problems.Add((ScheduleField.Interval, $"{every.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} seconds is shorter than the minimum of {MinimumIntervalSeconds} second"));
            }

            else if (every > TimeSpan.FromDays(MaximumIntervalDays))
            {
                problems.Add((ScheduleField.Interval, $"{every.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} seconds is longer than the maximum of {MaximumIntervalDays} days"));
            }

            return problems.Count > before ? null : new ScheduleTiming(every);
        }

        var zone = TimeZoneInfo.Utc;
        if (!string.IsNullOrWhiteSpace(timeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out zone))
        {
            problems.Add((ScheduleField.TimeZone, $"'{timeZone}' is not a known IANA or Windows time zone id (for example Europe/Berlin or UTC)"));
        }
        else if (timeZone is not null && string.IsNullOrWhiteSpace(timeZone))
        {
            problems.Add((ScheduleField.TimeZone, "is blank; omit it for UTC"));
        }

        var format = cron!.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length == 6
            ? CronFormat.IncludeSeconds
            : CronFormat.Standard;
        CronExpression? expression = null;
        try
        {
            // Cronos reads macros such as @daily as jittered once it has a seed; give it one only for H.
            expression = cron.Contains('H', StringComparison.Ordinal)
                ? CronExpression.Parse(cron, format, Seed(scheduleId))
                : CronExpression.Parse(cron, format);
        }
        catch (CronFormatException exception)
        {
            problems.Add((ScheduleField.Cron, $"'{cron}' is not a valid cron expression ({exception.Message.TrimEnd('.')}); use five fields (minute hour day-of-month month day-of-week), six with leading seconds, or a macro such as @daily"));
        }

        return problems.Count > before ? null : new ScheduleTiming(expression!, zone!);
    }

    /// <summary>The first occurrence after <paramref name="now"/> for a schedule that has none yet. An
    /// interval series starts on a whole second.</summary>
    public DateTimeOffset? First(DateTimeOffset now) => _cron is not null
        ? _cron.GetNextOccurrence(now, _zone)
        : new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero) + _interval;

    /// <summary>The first occurrence of the series through <paramref name="due"/> that is later than
    /// <paramref name="now"/>.</summary>
    public DateTimeOffset? After(DateTimeOffset due, DateTimeOffset now)
    {
        if (_cron is not null)
        {
            return _cron.GetNextOccurrence(now, _zone);
        }

        return due > now ? due : due + (_interval * ((now - due).Ticks / _interval.Ticks + 1));
    }

    /// <summary>The latest occurrence of the series through <paramref name="due"/> that is not later than
    /// <paramref name="now"/>; <paramref name="due"/> itself when <paramref name="now"/> is before the next one.</summary>
    public DateTimeOffset LatestDue(DateTimeOffset due, DateTimeOffset now)
    {
        if (now <= due)
        {
            return due;
        }

        if (_cron is not null)
        {
            return _cron.GetPreviousOccurrence(now, _zone, inclusive: true) is { } previous && previous > due ? previous : due;
        }

        return due + (_interval * ((now - due).Ticks / _interval.Ticks));
    }

    /// <summary>Counts the occurrences from <paramref name="due"/> (included) to <paramref name="latest"/>
    /// (excluded), up to <paramref name="cap"/>.</summary>
    public int CountBetween(DateTimeOffset due, DateTimeOffset latest, int cap)
    {
        if (latest <= due)
        {
            return 0;
        }

        if (_cron is not null)
        {
            return _cron.GetOccurrences(due, latest, _zone, fromInclusive: true, toInclusive: false).Take(cap).Count();
        }

        return (int)Math.Min(cap, (latest - due).Ticks / _interval.Ticks);
    }

    /// <summary>A seed for <c>H</c> fields that is the same for a schedule id in every process (string
    /// hash codes are randomized per process).</summary>
    private static int Seed(string scheduleId)
    {
        var hash = 2166136261u;
        foreach (var c in scheduleId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & int.MaxValue);
    }
}

using AgentManager.Schedules;

namespace AgentManager.Tests.Schedules;

public sealed class ScheduleTimingTests
{
    private static ScheduleTiming Cron(string cron, string? zone = null, string id = "s")
    {
        var problems = new List<(ScheduleField, string)>();
        return ScheduleTiming.Parse(id, cron, zone, null, problems) ?? throw new InvalidOperationException(string.Join("; ", problems));
    }

    private static ScheduleTiming Every(TimeSpan interval) =>
        ScheduleTiming.Parse("s", null, null, interval, new List<(ScheduleField, string)>())!;

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void Cron_SpringForward_TimeThatDoesNotExistFiresAtTheChange()
    {
        // Berlin skips 02:00-03:00 on 2026-03-29: 02:30 does not exist that night.
        var timing = Cron("30 2 * * *", "Europe/Berlin");

        var first = timing.First(Utc(3, 28, 12))!.Value;
        var second = timing.After(first, first)!.Value;
        var third = timing.After(second, second)!.Value;

        Assert.Equal(Utc(3, 29, 1), first.ToUniversalTime());
        Assert.Equal(3, first.Hour);
        Assert.Equal(Utc(3, 30, 0, 30), second.ToUniversalTime());
        Assert.Equal(Utc(3, 31, 0, 30), third.ToUniversalTime());
        Assert.Equal(TimeSpan.FromHours(2), third.Offset);
    }

    [Fact]
    public void Cron_FallBack_RepeatedTimeFiresOnce()
    {
        // Berlin repeats 02:00-03:00 on 2026-10-25: 02:30 happens twice, at 00:30 and 01:30 UTC.
        var timing = Cron("30 2 * * *", "Europe/Berlin");

        var first = timing.First(Utc(10, 24, 12))!.Value;
        var second = timing.After(first, first)!.Value;

        Assert.Equal(Utc(10, 25, 0, 30), first.ToUniversalTime());
        Assert.Equal(Utc(10, 26, 1, 30), second.ToUniversalTime());
    }

    [Fact]
    public void Cron_WindowsZoneId_IsTheSameZoneAsItsIanaId()
    {
        var windows = Cron("0 9 * * *", "W. Europe Standard Time").First(Utc(7, 1, 0));
        var iana = Cron("0 9 * * *", "Europe/Berlin").First(Utc(7, 1, 0));

        Assert.Equal(iana, windows);
    }

    [Fact]
    public void Cron_SixFields_HaveSeconds_AndMacrosWork()
    {
        Assert.Equal(Utc(1, 1, 0).AddSeconds(15), Cron("*/15 * * * * *").First(Utc(1, 1, 0)));
        Assert.Equal(Utc(1, 2, 0), Cron("@daily").First(Utc(1, 1, 10)));
    }

    [Fact]
    public void Cron_HashField_IsTheSameForAnIdInEveryProcessAndDiffersBetweenIds()
    {
        var minutes = Enumerable.Range(0, 20).Select(i => Cron("H * * * *", id: "job-" + i).First(Utc(1, 1, 0))!.Value.Minute).ToList();

        Assert.Equal(minutes[3], Cron("H * * * *", id: "job-3").First(Utc(1, 1, 0))!.Value.Minute);
        Assert.True(minutes.Distinct().Count() > 1, "every id got the same minute");
    }

    [Fact]
    public void Interval_FirstRunIsOneIntervalAfterTheWholeSecond_AndTheSeriesContinues()
    {
        var timing = Every(TimeSpan.FromMinutes(10));
        var now = Utc(1, 1, 8).AddMilliseconds(700);

        var first = timing.First(now)!.Value;

        Assert.Equal(Utc(1, 1, 8, 10), first);
        Assert.Equal(Utc(1, 1, 8, 20), timing.After(first, first));
        Assert.Equal(Utc(1, 1, 9, 10), timing.After(first, Utc(1, 1, 9, 5)));
        Assert.Equal(Utc(1, 1, 9, 0), timing.LatestDue(first, Utc(1, 1, 9, 5)));
        Assert.Equal(5, timing.CountBetween(first, Utc(1, 1, 9, 0), 100));
        Assert.Equal(3, timing.CountBetween(first, Utc(1, 1, 9, 0), 3));
        Assert.Equal(first, timing.LatestDue(first, first.AddMinutes(-1)));
    }

    [Fact]
    public void Cron_LatestDueAndCount_FollowTheSeries()
    {
        var timing = Cron("0 * * * *");

        Assert.Equal(Utc(1, 1, 5), timing.LatestDue(Utc(1, 1, 1), Utc(1, 1, 5, 30)));
        Assert.Equal(4, timing.CountBetween(Utc(1, 1, 1), Utc(1, 1, 5), 100));
        Assert.Equal(Utc(1, 1, 6), timing.After(Utc(1, 1, 1), Utc(1, 1, 5, 30)));
    }

    [Theory]
    [InlineData("61 * * * *", null, null, "Cron", "'61 * * * *' is not a valid cron expression")]
    [InlineData("* * *", null, null, "Cron", "is not a valid cron expression")]
    [InlineData("0 9 * * *", "Mars/Olympus_Mons", null, "TimeZone", "'Mars/Olympus_Mons' is not a known IANA or Windows time zone id")]
    [InlineData("0 9 * * *", " ", null, "TimeZone", "is blank")]
    [InlineData(null, null, -5.0, "Interval", "-5 seconds is not positive")]
    [InlineData(null, null, 0.0, "Interval", "0 seconds is not positive")]
    [InlineData(null, null, 0.5, "Interval", "shorter than the minimum of 1 second")]
    [InlineData(null, null, 400000000.0, "Interval", "longer than the maximum of 3650 days")]
    [InlineData(null, "UTC", 60.0, "TimeZone", "applies only to a cron schedule")]
    [InlineData("0 9 * * *", null, 60.0, "Interval", "either a cron expression or an interval, not both")]
    [InlineData(null, null, null, "Cron", "needs a cron expression or an interval")]
    public void Parse_BrokenRule_NamesTheFieldAndTheRule(string? cron, string? zone, double? seconds, string field, string rule)
    {
        var problems = new List<(ScheduleField Field, string Message)>();

        var timing = ScheduleTiming.Parse("s", cron, zone, seconds is { } s ? TimeSpan.FromSeconds(s) : null, problems);

        Assert.Null(timing);
        var problem = Assert.Single(problems);
        Assert.Equal(field, ScheduleValidator.PropertyName(problem.Field));
        Assert.Contains(rule, problem.Message, StringComparison.Ordinal);
    }
}

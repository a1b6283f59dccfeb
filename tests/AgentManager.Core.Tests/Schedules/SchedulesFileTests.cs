using AgentManager.Events;
using AgentManager.Schedules;
using Microsoft.Extensions.Time.Testing;
using static AgentManager.Tests.Schedules.ScheduleHarness;

namespace AgentManager.Tests.Schedules;

public sealed class SchedulesFileTests : IDisposable
{
    private const string Plan = """
        {
          "plan_id": "tiny",
          "agents": [{ "agent_id": "ok", "runner": { "kind": "process", "command": ["true"] } }],
          "items": [{ "id": "only", "title": "Do it", "assignee": "ok", "verification": "true" }]
        }
        """;

    private readonly string _config = Path.Combine(Path.GetTempPath(), "agentmanager-schedule-files", Guid.NewGuid().ToString("N"));

    public SchedulesFileTests()
    {
        Directory.CreateDirectory(Path.Combine(_config, "schedules"));
        Directory.CreateDirectory(Path.Combine(_config, "plans"));
        File.WriteAllText(Path.Combine(_config, "plans", "tiny.json"), Plan);
    }

    public void Dispose() => Directory.Delete(_config, recursive: true);

    private string Write(string name, string json)
    {
        var path = Path.Combine(_config, "schedules", name);
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public async Task LoadDirectory_ValidFiles_ReadEveryFieldWithThePlanRelativeToTheFile()
    {
        Write("b-nightly.json", """
            // comments and trailing commas are allowed
            { "id": "nightly", "cron": "30 2 * * *", "time_zone": "Europe/Berlin", "plan": "../plans/tiny.json",
              "missed_run_policy": "run_once", "allow_overlap": true, "paused": true, }
            """);
        Write("a-every-minute.json", """{ "interval_seconds": 60, "plan": "../plans/tiny.json" }""");
        Write("ignored.txt", "not json");

        var schedules = await SchedulesFile.LoadDirectoryAsync(_config);

        Assert.Equal(["a-every-minute", "nightly"], schedules.Select(s => s.Id));
        var nightly = schedules[1];
        Assert.Equal(("30 2 * * *", "Europe/Berlin", null, MissedRunPolicy.RunOnce, true, true), (nightly.Cron, nightly.TimeZone, nightly.Interval, nightly.MissedRunPolicy, nightly.AllowOverlap, nightly.Paused));
        Assert.Equal(Path.Combine(_config, "plans", "tiny.json"), nightly.PlanPath);
        Assert.Equal((TimeSpan.FromMinutes(1), MissedRunPolicy.Skip, false, false), (schedules[0].Interval, schedules[0].MissedRunPolicy, schedules[0].AllowOverlap, schedules[0].Paused));
    }

    [Fact]
    public async Task LoadDirectory_StoredPlan_ReadsItsIdAndVersion()
    {
        Write("weekly.json", """{ "cron": "0 6 * * MON", "plan_id": "release", "plan_version": 3 }""");

        var weekly = Assert.Single(await SchedulesFile.LoadDirectoryAsync(_config));

        Assert.Equal(("weekly", "release", 3, (string?)null), (weekly.Id, weekly.PlanId, weekly.PlanVersion, weekly.PlanPath));
    }

    [Fact]
    public async Task LoadDirectory_NoSchedulesFolder_IsEmpty_AndAMissingDirectoryIsAnError()
    {
        Directory.Delete(Path.Combine(_config, "schedules"));

        Assert.Empty(await SchedulesFile.LoadDirectoryAsync(_config));
        var missing = Path.Combine(_config, "nope");
        var exception = await Assert.ThrowsAsync<ScheduleConfigurationException>(() => SchedulesFile.LoadDirectoryAsync(missing));
        Assert.Contains(missing + ": the configuration directory does not exist", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "cron": "0 * * * *", "plan": "../plans/tiny.json", "colour": "red" }""", "colour: unknown field")]
    [InlineData("""{ "interval_seconds": "60", "plan": "../plans/tiny.json" }""", "interval_seconds: must be a number, not a string")]
    [InlineData("""{ "interval_seconds": -5, "plan": "../plans/tiny.json" }""", "interval_seconds: -5 seconds is not positive")]
    [InlineData("""{ "interval_seconds": 1e300, "plan": "../plans/tiny.json" }""", "interval_seconds: 1E+300 is out of range")]
    [InlineData("""{ "cron": "0 * * * *" }""", "plan: required")]
    [InlineData("""{ "cron": "0 * * * *", "plan": "../plans/none.json" }""", "plan: the plan file '")]
    [InlineData("""{ "cron": "0 * * * *", "plan": "../plans/tiny.json", "time_zone": "Nowhere/Else" }""", "time_zone: 'Nowhere/Else' is not a known IANA or Windows time zone id")]
    [InlineData("""{ "cron": "0 * * * *", "interval_seconds": 60, "plan": "../plans/tiny.json" }""", "interval_seconds: a schedule has either a cron expression or an interval, not both")]
    [InlineData("""{ "cron": "every day", "plan": "../plans/tiny.json" }""", "cron: 'every day' is not a valid cron expression")]
    [InlineData("""{ "cron": "0 * * * *", "plan": "../plans/tiny.json", "missed_run_policy": "always" }""", "missed_run_policy: 'always' is not a missed-run policy; use skip or run_once")]
    [InlineData("""{ "id": "no spaces", "cron": "0 * * * *", "plan": "../plans/tiny.json" }""", "id: 'no spaces' is not a valid id")]
    [InlineData("""{ "cron": "0 * * * *", "plan": "../plans/tiny.json", "paused": "yes" }""", "paused: must be true or false, not a string")]
    [InlineData("""[1, 2]""", "the file must hold one schedule as a JSON object, not an array")]
    [InlineData("""{ "cron": "0 * * * *", "plan_version": 2 }""", "plan: required")]
    [InlineData("""{ "cron": "0 * * * *", "plan_id": "release" }""", "plan_version: is required with a stored plan")]
    [InlineData("""{ "cron": "0 * * * *", "plan_id": "release", "plan_version": 1.5 }""", "plan_version: 1.5 is not a whole number")]
    [InlineData("""{ "cron": "0 * * * *", "plan_id": "release", "plan_version": 0 }""", "plan_version: 0 is not a plan version; versions start at 1")]
    [InlineData("""{ "cron": "0 * * * *", "plan_id": "release", "plan_version": 2, "plan": "../plans/tiny.json" }""", "plan: a schedule has one of a stored plan (PlanId), a plan file and a workflow factory, not several")]
    [InlineData("""{ "cron": "0 * * * *", """, "malformed JSON")]
    public async Task LoadDirectory_BrokenFile_NamesTheFileTheFieldAndTheRule(string json, string expected)
    {
        var path = Write("broken.json", json);

        var exception = await Assert.ThrowsAsync<ScheduleConfigurationException>(() => SchedulesFile.LoadDirectoryAsync(_config));

        var error = Assert.Single(exception.Errors);
        Assert.StartsWith(path + ": ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadDirectory_PlanThatDoesNotLoad_IsAnErrorOfThePlanField()
    {
        File.WriteAllText(Path.Combine(_config, "plans", "bad.json"), """{ "plan_id": "bad", "items": [{ "id": "x" }] }""");
        var path = Write("s.json", """{ "cron": "0 * * * *", "plan": "../plans/bad.json" }""");

        var exception = await Assert.ThrowsAsync<ScheduleConfigurationException>(() => SchedulesFile.LoadDirectoryAsync(_config));

        Assert.StartsWith(path + ": plan: the plan file does not load: ", Assert.Single(exception.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadDirectory_ProblemsInSeveralFiles_AreAllListed_AndRepeatedIdsNameBothFiles()
    {
        var first = Write("a.json", """{ "id": "same", "cron": "0 * * * *", "plan": "../plans/tiny.json" }""");
        var second = Write("b.json", """{ "id": "same", "cron": "0 * * * *", "plan": "../plans/tiny.json" }""");
        var third = Write("c.json", """{ "cron": "0 * * * *", "plan": "../plans/tiny.json", "extra": 1, "allow_overlap": 3 }""");

        var exception = await Assert.ThrowsAsync<ScheduleConfigurationException>(() => SchedulesFile.LoadDirectoryAsync(_config));

        Assert.Equal(3, exception.Errors.Count);
        Assert.Equal($"{second}: id: 'same' is already the id of the schedule in {first}; schedule ids must be unique.", exception.Errors[0]);
        Assert.All(exception.Errors.Skip(1), e => Assert.StartsWith(third, e, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Load_OneFile_AndArgValidation()
    {
        var path = Write("one.json", """{ "interval_seconds": 2.5, "plan": "../plans/tiny.json" }""");

        var schedule = await SchedulesFile.LoadAsync(path);

        Assert.Equal(("one", TimeSpan.FromSeconds(2.5)), (schedule.Id, schedule.Interval!.Value));
        var missing = await Assert.ThrowsAsync<ScheduleConfigurationException>(() => SchedulesFile.LoadAsync(Path.Combine(_config, "none.json")));
        Assert.Contains("the schedule file could not be read", missing.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => SchedulesFile.LoadAsync(" "));
        await Assert.ThrowsAsync<ArgumentNullException>(() => SchedulesFile.LoadDirectoryAsync(null!));
    }

    [Fact]
    public async Task Host_WithABrokenScheduleFile_DoesNotStart()
    {
        var path = Write("broken.json", """{ "cron": "0 * * * *" }""");
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), configure: o => o.ConfigDirectory = _config);

        var exception = await Assert.ThrowsAsync<ScheduleConfigurationException>(h.StartAsync);

        Assert.Contains(path + ": plan: required", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_WithAScheduleFile_RunsItsPlanWithProcessAgents()
    {
        Write("tiny.json", """{ "interval_seconds": 3600, "plan": "../plans/tiny.json" }""");
        var workRoot = Path.Combine(_config, "runs");
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), configure: o => o.ConfigDirectory = _config, workRoot: workRoot);
        await h.StartAsync();

        await h.AdvanceToAsync(T0.AddHours(1));
        var fired = await h.WaitForAsync(EventTypes.ScheduleFired);
        await h.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, fired.RunWorkflowId!);

        var workflow = await h.Store.GetWorkflowAsync(fired.RunWorkflowId!, CancellationToken.None);
        Assert.Equal(Path.Combine(_config, "plans", "tiny.json"), workflow!.Metadata["plan_path"]);
        Assert.Equal(("tiny", "tiny"), (workflow.Metadata["plan_id"], workflow.Metadata["schedule_id"]));
        Assert.Equal(Path.Combine(workRoot, fired.RunWorkflowId!), workflow.WorkRoot);
    }
}

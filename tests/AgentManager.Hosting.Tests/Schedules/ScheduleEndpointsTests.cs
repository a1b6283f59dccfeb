using System.Text.Json.Nodes;
using AgentManager.Plans;
using AgentManager.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentManager.Tests.Schedules;

/// <summary><c>/schedules</c>: define from a plan body or a confirmed plan, list, read, pause, resume, delete,
/// with every error code; a defined schedule fires on the host's <see cref="TimeProvider"/>.</summary>
public sealed class ScheduleEndpointsTests : IAsyncLifetime
{
    private readonly string _plans = Path.Combine(Path.GetTempPath(), "agentmanager-hosting-tests", Guid.NewGuid().ToString("N"), "schedule-plans");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 4, 12, 0, 0, TimeSpan.Zero));
    private TestApi _api = null!;

    public async Task InitializeAsync() => _api = await TestApi.StartAsync(new TestApiOptions
    {
        AgentManager = b => b.AddSchedules(),
        Api = o => o.SchedulePlanDirectory = _plans,
        Services = s => s.AddSingleton<TimeProvider>(_time),
    });

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        if (Directory.Exists(_plans))
        {
            Directory.Delete(_plans, recursive: true);
        }
    }

    private static object PlanBody(string planId = "nightly-plan") => new
    {
        plan_id = planId,
        items = new object[]
        {
            new { id = "build", title = "Build", assignee = "echo" },
            new { id = "test", title = "Test", assignee = "echo", dependencies = new[] { "build" } },
        },
    };

    /// <summary>The schedule records a firing before it creates the run's workflow, so the workflow may not exist yet.</summary>
    private static async Task<bool> CompletedAsync(TestApi api, string workflowId)
    {
        using var response = await api.Client.GetAsync($"/workflows/{workflowId}");
        return response.IsSuccessStatusCode && (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]! == "completed";
    }

    /// <summary>Moves the host's clock on until the schedule has fired, then waits for that run to complete.</summary>
    /// <returns>The run's workflow id.</returns>
    private static async Task<string> CompletedRunAsync(TestApi api, FakeTimeProvider clock, string scheduleId)
    {
        string? workflowId = null;
        await Poll.UntilAsync(
            async () =>
            {
                clock.Advance(TimeSpan.FromSeconds(30));
                workflowId = (string?)(await api.GetJsonAsync($"/schedules/{scheduleId}"))["last_workflow_id"];
                return workflowId is not null;
            },
            $"a firing of schedule '{scheduleId}'");
        await Poll.UntilAsync(() => CompletedAsync(api, workflowId!), $"the run {workflowId}");
        return workflowId!;
    }

    /// <summary>A host on a SQLite file beside the kept requests, so that a second host started with these options
    /// finds what the first one stored.</summary>
    private TestApiOptions DurableHost() => new()
    {
        AgentManager = b => b.UseSqliteStore(o => o.Path = Path.Combine(Path.GetDirectoryName(_plans)!, "state.db")).AddSchedules(),
        Api = o => o.SchedulePlanDirectory = _plans,
        Services = s => s.AddSingleton<TimeProvider>(_time),
    };

    private string PlanFile(string scheduleId) => Path.Combine(_plans, scheduleId + ".json");

    [Fact]
    public async Task Create_IntervalFromAPlanBody_StoresItAndKeepsItsRequest()
    {
        using var response = await _api.Client.PostAsync("/schedules", System.Net.Http.Json.JsonContent.Create(new
        {
            schedule_id = "every-minute",
            interval_seconds = 60,
            missed_run_policy = "run_once",
            allow_overlap = true,
            plan = PlanBody(),
        }));

        var created = await TestApi.ReadAsync(response, HttpStatusCode.Created);
        Assert.Equal("/schedules/every-minute", response.Headers.Location!.OriginalString);
        Assert.Equal(("every-minute", 60.0, "run_once", true, false), ((string)created["schedule_id"]!, (double)created["interval_seconds"]!, (string)created["missed_run_policy"]!, (bool)created["allow_overlap"]!, (bool)created["paused"]!));
        Assert.Null(created["cron"]);
        Assert.Equal(_time.GetUtcNow().AddMinutes(1), (DateTimeOffset)created["next_run"]!);
        Assert.Null(created["plan_path"]);
        var kept = JsonNode.Parse(await File.ReadAllTextAsync(PlanFile("every-minute")))!;
        Assert.Equal(("every-minute", 60.0, "nightly-plan"), ((string)kept["schedule_id"]!, (double)kept["interval_seconds"]!, (string)kept["plan"]!["plan_id"]!));
        Assert.Equal(["build", "test"], kept["plan"]!["items"]!.AsArray().Select(i => (string)i!["id"]!));
        Assert.Equal(["every-minute"], (await _api.GetJsonAsync("/schedules"))["items"]!.AsArray().Select(s => (string)s!["schedule_id"]!));
        Assert.Equal("every-minute", (string)(await _api.GetJsonAsync("/schedules/every-minute"))["schedule_id"]!);
    }

    [Fact]
    public async Task Create_CronFromAConfirmedPlan_ComputesTheNextRunInItsTimeZone()
    {
        await _api.PostJsonAsync("/task-plans", new { plan_id = "docs", items = new[] { new { id = "write", title = "Write", assignee = "worker", verification = "true" } } }, HttpStatusCode.Created);
        await _api.PostJsonAsync("/task-plans/docs/confirm", null, HttpStatusCode.OK);

        var created = await _api.PostJsonAsync("/schedules", new { schedule_id = "nightly", cron = "30 2 * * *", time_zone = "Europe/Berlin", plan_id = "docs", paused = true }, HttpStatusCode.Created);

        Assert.Equal(("30 2 * * *", "Europe/Berlin", true), ((string)created["cron"]!, (string)created["time_zone"]!, (bool)created["paused"]!));
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 1, 30, 0, TimeSpan.Zero), (DateTimeOffset)created["next_run"]!);
        Assert.Equal(("docs", 2), ((string)created["plan_id"]!, (int)created["plan_version"]!));
        var kept = JsonNode.Parse(await File.ReadAllTextAsync(PlanFile("nightly")))!;
        Assert.Equal(("docs", 2), ((string)kept["plan_id"]!, (int)kept["plan_version"]!));
        Assert.Null(kept["plan"]);
    }

    [Fact]
    public async Task Created_ScheduleOfAStoredPlan_RunsThePinnedConfirmedVersion()
    {
        await _api.PostJsonAsync("/task-plans", new { plan_id = "docs", items = new[] { new { id = "write", title = "Write", assignee = "worker", verification = "true" } } }, HttpStatusCode.Created);
        await _api.PostJsonAsync("/task-plans/docs/confirm", null, HttpStatusCode.OK);

        var created = await _api.PostJsonAsync("/schedules", new { schedule_id = "pinned", interval_seconds = 60, plan_id = "docs", plan_version = 2 }, HttpStatusCode.Created);
        var workflowId = await CompletedRunAsync(_api, _time, "pinned");

        Assert.Equal(("docs", 2), ((string)created["plan_id"]!, (int)created["plan_version"]!));
        var run = await _api.GetJsonAsync($"/workflows/{workflowId}");
        Assert.Equal(("pinned", "docs", "2"), ((string)run["metadata"]!["schedule_id"]!, (string)run["metadata"]!["plan_id"]!, (string)run["metadata"]!["plan_version"]!));
        Assert.Equal(["write"], run["tasks"]!.AsArray().Select(t => (string)t!["task_id"]!));
    }

    [Fact]
    public async Task Create_PinnedVersionThatIsADraftOrMissing_Is409Or404AndKeepsNothing()
    {
        await _api.PostJsonAsync("/task-plans", new { plan_id = "docs", items = new[] { new { id = "write", title = "Write", assignee = "worker", verification = "true" } } }, HttpStatusCode.Created);
        await _api.PostJsonAsync("/task-plans/docs/confirm", null, HttpStatusCode.OK);

        var draft = await _api.PostJsonAsync("/schedules", new { schedule_id = "s1", interval_seconds = 60, plan_id = "docs", plan_version = 1 }, HttpStatusCode.Conflict);
        var missing = await _api.PostJsonAsync("/schedules", new { schedule_id = "s2", interval_seconds = 60, plan_id = "docs", plan_version = 9 }, HttpStatusCode.NotFound);

        Assert.Contains("Version 1 of task plan 'docs' is a draft", Problem.Detail(draft), StringComparison.Ordinal);
        Assert.Contains("has no version 9", Problem.Detail(missing), StringComparison.Ordinal);
        Assert.False(File.Exists(PlanFile("s1")) || File.Exists(PlanFile("s2")));
        Assert.Equal(0, (int)(await _api.GetJsonAsync("/schedules"))["total"]!);
    }

    [Fact]
    public async Task ScheduleOfAStoredPlan_DefinedOnOneHost_IsFiredByAnotherSharingTheStores()
    {
        var directory = Path.GetDirectoryName(_plans)!;
        var definingClock = new FakeTimeProvider(_time.GetUtcNow());
        var otherClock = new FakeTimeProvider(_time.GetUtcNow());
        TestApiOptions Host(string name, TimeProvider clock) => new()
        {
            AgentManager = b => b.UseSqliteStore(o => o.Path = Path.Combine(directory, "shared.db")).AddSchedules(),
            Api = o => o.SchedulePlanDirectory = Path.Combine(directory, name + "-schedules"),
            Services = s => s.AddSingleton(clock),
        };
        await using var defining = await TestApi.StartAsync(Host("defining", definingClock));
        await using var other = await TestApi.StartAsync(Host("other", otherClock));
        await defining.PostJsonAsync("/task-plans", new { plan_id = "docs", items = new[] { new { id = "write", title = "Write", assignee = "worker", verification = "true" } } }, HttpStatusCode.Created);
        await defining.PostJsonAsync("/task-plans/docs/confirm", null, HttpStatusCode.OK);
        await defining.PostJsonAsync("/schedules", new { schedule_id = "shared", interval_seconds = 60, plan_id = "docs" }, HttpStatusCode.Created);

        // Only the other host's clock moves: the host that took the request never finds the schedule due.
        var workflowId = await CompletedRunAsync(other, otherClock, "shared");

        Assert.False(Directory.Exists(Path.Combine(directory, "other-schedules")));
        Assert.Equal("docs", (string)(await defining.GetJsonAsync($"/workflows/{workflowId}"))["metadata"]!["plan_id"]!);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Created_Schedule_FiresAWorkflowOfItsPlan()
    {
        await _api.PostJsonAsync("/schedules", new { schedule_id = "tick", interval_seconds = 60, plan = PlanBody() }, HttpStatusCode.Created);

        var workflowId = await CompletedRunAsync(_api, _time, "tick");

        Assert.StartsWith("tick-", workflowId, StringComparison.Ordinal);
        var run = await _api.GetJsonAsync($"/workflows/{workflowId}");
        Assert.Equal(("tick", "nightly-plan"), ((string)run["metadata"]!["schedule_id"]!, (string)run["metadata"]!["plan_id"]!));
        Assert.Null(run["metadata"]!["plan_version"]); // not a version of the plan store, which the takeover would rebuild it from
        Assert.Equal(["build", "test"], run["tasks"]!.AsArray().Select(t => (string)t!["task_id"]!));
    }

    [Fact]
    public async Task Create_PlanDraftOrUnknown_Is409Or404AndKeepsNothing()
    {
        await _api.PostJsonAsync("/task-plans", new { plan_id = "draft", items = new[] { new { id = "a", title = "A", assignee = "worker" } } }, HttpStatusCode.Created);

        var draft = await _api.PostJsonAsync("/schedules", new { schedule_id = "s1", interval_seconds = 60, plan_id = "draft" }, HttpStatusCode.Conflict);
        var unknown = await _api.PostJsonAsync("/schedules", new { schedule_id = "s2", interval_seconds = 60, plan_id = "nope" }, HttpStatusCode.NotFound);

        Assert.Contains("'draft' is a draft", Problem.Detail(draft), StringComparison.Ordinal);
        Assert.Contains("'nope'", Problem.Detail(unknown), StringComparison.Ordinal);
        Assert.False(File.Exists(PlanFile("s1")));
        Assert.Equal(0, (int)(await _api.GetJsonAsync("/schedules"))["total"]!);
    }

    [Fact]
    public async Task Create_ExistingId_Is409AndKeepsTheSchedule()
    {
        await _api.PostJsonAsync("/schedules", new { schedule_id = "taken", interval_seconds = 60, plan = PlanBody() }, HttpStatusCode.Created);

        var problem = await _api.PostJsonAsync("/schedules", new { schedule_id = "taken", interval_seconds = 120, plan = PlanBody() }, HttpStatusCode.Conflict);

        Assert.Contains("'taken' already exists", Problem.Detail(problem), StringComparison.Ordinal);
        Assert.Equal(60.0, (double)(await _api.GetJsonAsync("/schedules/taken"))["interval_seconds"]!);
    }

    public static TheoryData<string, string> BrokenRules => new()
    {
        { """{"schedule_id":"s","cron":"61 * * * *","plan":{"items":[{"id":"a","title":"A","assignee":"echo"}]}}""", "cron" },
        { """{"schedule_id":"s","cron":"0 2 * * *","time_zone":"Mars/Olympus","plan":{"items":[{"id":"a","title":"A","assignee":"echo"}]}}""", "Mars/Olympus" },
        { """{"schedule_id":"s","cron":"0 2 * * *","interval_seconds":60,"plan":{"items":[{"id":"a","title":"A","assignee":"echo"}]}}""", "nterval" },
        { """{"schedule_id":"s","plan":{"items":[{"id":"a","title":"A","assignee":"echo"}]}}""", "nterval" },
        { """{"schedule_id":"s","interval_seconds":0.5,"plan":{"items":[{"id":"a","title":"A","assignee":"echo"}]}}""", "nterval" },
        { """{"schedule_id":"s","interval_seconds":60,"plan":{"items":[]}}""", "at least one item" },
        { """{"schedule_id":"s","interval_seconds":60,"plan":{"items":[{"id":"a","title":"A","dependencies":["b"]},{"id":"b","title":"B","dependencies":["a"]}]}}""", "cycle" },
    };

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public async Task Create_BreakingARule_Is400NamingItAndStoresNothing(string body, string named)
    {
        var problem = await _api.SendRawAsync(HttpMethod.Post, "/schedules", body, HttpStatusCode.BadRequest);

        var text = Problem.Detail(problem) + string.Join(" ", problem["errors"]?.AsArray().Select(e => (string)e!["message"]!) ?? []);
        Assert.Contains(named, text, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(PlanFile("s")));
        await _api.GetJsonAsync("/schedules/s", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task CreateOrReplace_PlanWithAnUnknownAssignee_Is400NamingItAndKeepsWhatWasThere()
    {
        var unknown = """{"interval_seconds":60,"plan":{"items":[{"id":"a","title":"A","assignee":"nobody"}]}}""";

        var created = await _api.SendRawAsync(HttpMethod.Post, "/schedules", unknown.Replace("{\"interval", "{\"schedule_id\":\"s\",\"interval", StringComparison.Ordinal), HttpStatusCode.BadRequest);
        await _api.PostJsonAsync("/schedules", new { schedule_id = "kept", interval_seconds = 30, plan = PlanBody() }, HttpStatusCode.Created);
        var before = await File.ReadAllTextAsync(PlanFile("kept"));
        var replaced = await _api.SendRawAsync(HttpMethod.Put, "/schedules/kept", unknown, HttpStatusCode.BadRequest);

        foreach (var problem in new[] { created, replaced })
        {
            var text = Problem.Detail(problem) + string.Join(" ", problem["errors"]?.AsArray().Select(e => (string)e!["message"]!) ?? []);
            Assert.Contains("'nobody'", text, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(PlanFile("s")));
        await _api.GetJsonAsync("/schedules/s", HttpStatusCode.NotFound);
        Assert.Equal(before, await File.ReadAllTextAsync(PlanFile("kept")));
        Assert.Equal(30.0, (double)(await _api.GetJsonAsync("/schedules/kept"))["interval_seconds"]!);
    }

    public static TheoryData<string?, string> Malformed => new()
    {
        { null, "JSON body" },
        { "{nope", "not valid JSON" },
        { """{"interval_seconds":60,"plan_id":"p"}""", "schedule_id is required" },
        { """{"schedule_id":"bad id","interval_seconds":60,"plan_id":"p"}""", "'bad id' is not a valid id" },
        { """{"schedule_id":"s","interval_seconds":60}""", "plan_id or 'plan' is required" },
        { """{"schedule_id":"s","interval_seconds":60,"plan_id":"p","plan":{"items":[]}}""", "plan_id or 'plan' is required" },
        { """{"schedule_id":"s","interval_seconds":60,"plan_id":"p","missed_run_policy":"sometimes"}""", "'sometimes' is not a missed-run policy" },
        { """{"schedule_id":"s","interval_seconds":"soon","plan_id":"p"}""", "interval_seconds" },
        { """{"schedule_id":"s","interval_seconds":60,"plan_version":2,"plan":{"items":[{"id":"a","title":"A"}]}}""", "plan_version 2 is given without a plan_id" },
        { """{"schedule_id":"s","interval_seconds":60,"plan_id":"p","plan_version":0}""", "plan_version 0 is not a plan version" },
        { """{"schedule_id":"s","interval_seconds":60,"plan":{"items":[null]}}""", "plan.items[0]" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Create_Malformed_Is422NamingTheField(string? body, string named)
    {
        var problem = await _api.SendRawAsync(HttpMethod.Post, "/schedules", body, HttpStatusCode.UnprocessableEntity);

        Assert.Contains(named, Problem.Detail(problem), StringComparison.Ordinal);
        Assert.Equal(0, (int)(await _api.GetJsonAsync("/schedules"))["total"]!);
    }

    [Fact]
    public async Task PauseAndResume_ChangeThePausedFlag_AndResumeComputesTheNextRunFromNow()
    {
        await _api.PostJsonAsync("/schedules", new { schedule_id = "p", interval_seconds = 60, plan = PlanBody() }, HttpStatusCode.Created);

        var paused = await _api.PostJsonAsync("/schedules/p/pause", null, HttpStatusCode.OK);
        var pausedAgain = await _api.PostJsonAsync("/schedules/p/pause", null, HttpStatusCode.OK);
        _time.Advance(TimeSpan.FromMinutes(5));
        var resumed = await _api.PostJsonAsync("/schedules/p/resume", null, HttpStatusCode.OK);

        Assert.True((bool)paused["paused"]!);
        Assert.True((bool)pausedAgain["paused"]!);
        Assert.False((bool)resumed["paused"]!);
        Assert.True((DateTimeOffset)resumed["next_run"]! > _time.GetUtcNow());
    }

    [Fact]
    public async Task Replace_ChangesTimingAndPlan_KeepsThePausedStateAndTheNewRequest()
    {
        await _api.PostJsonAsync("/schedules", new { schedule_id = "r", interval_seconds = 60, plan = PlanBody() }, HttpStatusCode.Created);
        await _api.PostJsonAsync("/schedules/r/pause", null, HttpStatusCode.OK);
        _time.Advance(TimeSpan.FromSeconds(10));

        var replaced = await _api.PutJsonAsync("/schedules/r", new { interval_seconds = 120, allow_overlap = true, plan = PlanBody("weekly-plan") }, HttpStatusCode.OK);

        Assert.Equal((120.0, true, true), ((double)replaced["interval_seconds"]!, (bool)replaced["allow_overlap"]!, (bool)replaced["paused"]!));
        Assert.Equal(_time.GetUtcNow().AddMinutes(2), (DateTimeOffset)replaced["next_run"]!);
        var kept = JsonNode.Parse(await File.ReadAllTextAsync(PlanFile("r")))!;
        Assert.Equal(("r", 120.0, "weekly-plan"), ((string)kept["schedule_id"]!, (double)kept["interval_seconds"]!, (string)kept["plan"]!["plan_id"]!));
        Assert.Equal(120.0, (double)(await _api.GetJsonAsync("/schedules/r"))["interval_seconds"]!);
    }

    [Fact]
    public async Task Replace_SameTiming_KeepsTheNextRun()
    {
        var created = await _api.PostJsonAsync("/schedules", new { schedule_id = "same", interval_seconds = 60, plan = PlanBody() }, HttpStatusCode.Created);
        _time.Advance(TimeSpan.FromSeconds(10));

        var replaced = await _api.PutJsonAsync("/schedules/same", new { schedule_id = "same", interval_seconds = 60, missed_run_policy = "run_once", plan = PlanBody("other-plan") }, HttpStatusCode.OK);

        Assert.Equal((DateTimeOffset)created["next_run"]!, (DateTimeOffset)replaced["next_run"]!);
        Assert.Equal("run_once", (string)replaced["missed_run_policy"]!);
    }

    [Fact]
    public async Task Replace_BreakingARule_Is400AndKeepsTheScheduleAndItsRequest()
    {
        await _api.PostJsonAsync("/schedules", new { schedule_id = "keep", interval_seconds = 60, plan = PlanBody() }, HttpStatusCode.Created);
        var before = await File.ReadAllTextAsync(PlanFile("keep"));

        var problem = await _api.SendRawAsync(HttpMethod.Put, "/schedules/keep", """{"cron":"61 * * * *","plan":{"items":[{"id":"a","title":"A","assignee":"echo"}]}}""", HttpStatusCode.BadRequest);

        Assert.Contains("cron", Problem.Detail(problem) + string.Join(" ", problem["errors"]?.AsArray().Select(e => (string)e!["message"]!) ?? []), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await File.ReadAllTextAsync(PlanFile("keep")));
        var schedule = await _api.GetJsonAsync("/schedules/keep");
        Assert.Equal((60.0, null), ((double)schedule["interval_seconds"]!, (string?)schedule["cron"]));
    }

    [Theory]
    [InlineData("""{"schedule_id":"other","interval_seconds":60,"plan":{"items":[{"id":"a","title":"A","assignee":"echo"}]}}""", "differs from the schedule id 'm'")]
    [InlineData("""{"interval_seconds":60,"paused":true,"plan":{"items":[{"id":"a","title":"A","assignee":"echo"}]}}""", "paused cannot be replaced")]
    [InlineData("""{"interval_seconds":60}""", "plan_id or 'plan' is required")]
    public async Task Replace_Malformed_Is422NamingTheField(string body, string named)
    {
        await _api.PostJsonAsync("/schedules", new { schedule_id = "m", interval_seconds = 30, plan = PlanBody() }, HttpStatusCode.Created);

        var problem = await _api.SendRawAsync(HttpMethod.Put, "/schedules/m", body, HttpStatusCode.UnprocessableEntity);

        Assert.Contains(named, Problem.Detail(problem), StringComparison.Ordinal);
        Assert.Equal(30.0, (double)(await _api.GetJsonAsync("/schedules/m"))["interval_seconds"]!);
    }

    [Fact]
    public async Task Replace_UnknownSchedule_Is404AndDefinesNothing()
    {
        var problem = await _api.SendRawAsync(HttpMethod.Put, "/schedules/none", """{"interval_seconds":60,"plan":{"items":[{"id":"a","title":"A","assignee":"echo"}]}}""", HttpStatusCode.NotFound);

        Assert.Contains("'none'", Problem.Detail(problem), StringComparison.Ordinal);
        Assert.False(File.Exists(PlanFile("none")));
    }

    [Fact]
    public async Task Replace_ScheduleOfTheHostsConfiguration_Is409AndChangesNothing()
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions
        {
            AgentManager = b => b.AddSchedules(o => o.Schedules.Add(new AgentManager.Schedules.ScheduleDefinition
            {
                Id = "configured",
                Interval = TimeSpan.FromHours(1),
                WorkflowFactory = (_, _) => ValueTask.FromResult(new AgentManager.Workflows.WorkflowDefinition { Tasks = { new AgentManager.Workflows.TaskDefinition("a") { AgentId = "echo" } } }),
            })),
            Api = o => o.SchedulePlanDirectory = _plans,
            Services = s => s.AddSingleton<TimeProvider>(_time),
        });

        var problem = await api.SendRawAsync(HttpMethod.Put, "/schedules/configured", """{"interval_seconds":60,"plan":{"items":[{"id":"a","title":"A","assignee":"echo"}]}}""", HttpStatusCode.Conflict);

        Assert.Contains("host's configuration", Problem.Detail(problem), StringComparison.Ordinal);
        Assert.False(File.Exists(PlanFile("configured")));
        Assert.Equal(3600.0, (double)(await api.GetJsonAsync("/schedules/configured"))["interval_seconds"]!);
    }

    [Theory]
    [InlineData("GET", "/schedules/none")]
    [InlineData("POST", "/schedules/none/pause")]
    [InlineData("POST", "/schedules/none/resume")]
    [InlineData("DELETE", "/schedules/none")]
    public async Task UnknownSchedule_Is404(string method, string path)
    {
        var problem = await _api.SendRawAsync(new HttpMethod(method), path, null, HttpStatusCode.NotFound);

        Assert.Contains("'none'", Problem.Detail(problem), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/schedules/bad%20id")]
    [InlineData("POST", "/schedules/bad%20id/pause")]
    [InlineData("POST", "/schedules/bad%20id/resume")]
    [InlineData("DELETE", "/schedules/bad%20id")]
    [InlineData("PUT", "/schedules/bad%20id")]
    [InlineData("GET", "/schedules?offset=-1")]
    public async Task MalformedIdOrPage_Is422(string method, string path)
    {
        await _api.SendRawAsync(new HttpMethod(method), path, null, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Delete_RemovesTheScheduleAndWhatWasKept()
    {
        await _api.PostJsonAsync("/schedules", new { schedule_id = "gone", interval_seconds = 60, plan = PlanBody() }, HttpStatusCode.Created);

        using var response = await _api.Client.DeleteAsync("/schedules/gone");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(File.Exists(PlanFile("gone")));
        await _api.GetJsonAsync("/schedules/gone", HttpStatusCode.NotFound);
        await _api.SendRawAsync(HttpMethod.Delete, "/schedules/gone", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Created_Schedule_FiresAfterTheHostRestarts()
    {
        await using (var first = await TestApi.StartAsync(DurableHost()))
        {
            await first.PostJsonAsync("/schedules", new { schedule_id = "durable", interval_seconds = 60, plan = PlanBody() }, HttpStatusCode.Created);
            await first.PostJsonAsync("/schedules/durable/pause", null, HttpStatusCode.OK);
        }

        await using var second = await TestApi.StartAsync(DurableHost());
        Assert.True((bool)(await second.GetJsonAsync("/schedules/durable"))["paused"]!);
        await second.PostJsonAsync("/schedules/durable/resume", null, HttpStatusCode.OK);
        await CompletedRunAsync(second, _time, "durable");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task ScheduleOfAStoredPlanDeletedSince_DoesNotStopTheHostsRestart_ItsFiringFails()
    {
        await using (var first = await TestApi.StartAsync(DurableHost()))
        {
            await first.PostJsonAsync("/task-plans", new { plan_id = "docs", items = new[] { new { id = "write", title = "Write", assignee = "worker", verification = "true" } } }, HttpStatusCode.Created);
            await first.PostJsonAsync("/task-plans/docs/confirm", null, HttpStatusCode.OK);
            await first.PostJsonAsync("/schedules", new { schedule_id = "orphaned", interval_seconds = 60, plan_id = "docs" }, HttpStatusCode.Created);
            using var refused = await first.Client.DeleteAsync("/task-plans/docs");
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.True(await first.Services.GetRequiredService<ITaskPlanStore>().DeleteAsync("docs", CancellationToken.None)); // as an older host could
        }

        await using var second = await TestApi.StartAsync(DurableHost());
        var kept = await second.GetJsonAsync("/schedules/orphaned");
        JsonNode after = kept;
        await Poll.UntilAsync(
            async () =>
            {
                _time.Advance(TimeSpan.FromSeconds(30));
                after = await second.GetJsonAsync("/schedules/orphaned");

                // A firing first records the occurrence and the next run, then fails to build the run and frees the schedule.
                return (DateTimeOffset)after["next_run"]! > (DateTimeOffset)kept["next_run"]! && after["running_workflow_id"] is null;
            },
            "the schedule's failed firing moved it to its next occurrence and freed it");

        Assert.Equal(("docs", 2), ((string)kept["plan_id"]!, (int)kept["plan_version"]!));
        using var run = await second.Client.GetAsync($"/workflows/{(string)after["last_workflow_id"]!}");
        Assert.Equal(HttpStatusCode.NotFound, run.StatusCode);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Schedules_NotEnabledOnTheHost_Are404WithTheReason()
    {
        await using var api = await TestApi.StartAsync();

        var problem = await api.GetJsonAsync("/schedules", HttpStatusCode.NotFound);

        Assert.Contains("AddSchedules()", Problem.Detail(problem), StringComparison.Ordinal);
    }
}

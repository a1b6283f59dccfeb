using System.Text.Json;
using AgentManager.Samples.Console;
using AgentManager.Schedules;
using Microsoft.Data.Sqlite;

namespace AgentManager.Samples.Tests;

/// <summary><c>serve</c> runs as its own process; <c>schedules</c> changes its schedules from this one.</summary>
public sealed class ServeCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "agentmanager-serve-tests", Guid.NewGuid().ToString("N"));

    public ServeCommandTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "config", "schedules"));
        File.WriteAllText(Path.Combine(_dir, "config", "tick-plan.json"), """
            {
              "plan_id": "tick",
              "agents": [{ "agent_id": "ok", "runner": { "kind": "process", "command": ["true"] } }],
              "items": [{ "id": "tock", "title": "Say tock", "assignee": "ok", "verification": "true" }]
            }
            """);
    }

    private string Config => Path.Combine(_dir, "config");

    private string Db => Path.Combine(_dir, "state.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private void WriteSchedule(string name, string json) => File.WriteAllText(Path.Combine(Config, "schedules", name), json);

    private static bool Is(string line, string type, string scheduleId) =>
        line.Contains($"] {type}", StringComparison.Ordinal) && line.Contains($" {scheduleId}", StringComparison.Ordinal);

    private static string FiredWorkflow(string line) => line.Split(" -> ")[1].Split(' ')[0];

    private ConsoleSession Serve() => new("serve", "--config", Config, "--db", Db, "--workdir", Path.Combine(_dir, "runs"), "--concurrency", "2");

    private static async Task<(int Code, string Stdout, string Stderr)> SchedulesAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await SchedulesCommand.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Serve_IntervalSchedule_FiresAndFollowsPauseAndResumeFromAnotherProcess_AndARestartRepeatsNothing()
    {
        WriteSchedule("tick.json", """{ "interval_seconds": 1, "plan": "../tick-plan.json" }""");
        var fired = new List<string>();
        await using (var serve = Serve())
        {
            var first = await serve.WaitForLineAsync(l => Is(l, "schedule_fired", "tick"), what: "a first firing");
            await serve.WaitForLineAsync(l => Is(l, "schedule_fired", "tick"), first + 1, "a second firing");

            var pause = await SchedulesAsync("pause", "tick", "--db", Db);
            var paused = await serve.WaitForLineAsync(l => Is(l, "schedule_paused", "tick"), what: "schedule_paused");
            var listed = await SchedulesAsync("list", "--json", "--db", Db);
            var resume = await SchedulesAsync("resume", "tick", "--db", Db);
            var resumed = await serve.WaitForLineAsync(l => Is(l, "schedule_resumed", "tick"), paused, "schedule_resumed");
            await serve.WaitForLineAsync(l => Is(l, "schedule_fired", "tick"), resumed, "a firing after resuming");
            var (code, stdout) = await serve.TerminateAsync();

            Assert.Equal((0, 0, 0), (pause.Code, resume.Code, code));
            Assert.Contains("Serving 1 schedule(s)", stdout, StringComparison.Ordinal);
            Assert.Contains("Stopped;", stdout, StringComparison.Ordinal);
            var schedule = Assert.Single(JsonDocument.Parse(listed.Stdout).RootElement.EnumerateArray());
            Assert.True(schedule.GetProperty("paused").GetBoolean());
            Assert.Equal(1, schedule.GetProperty("interval_seconds").GetDouble());
            var lines = serve.Lines;
            Assert.DoesNotContain(lines.Skip(paused).Take(resumed - paused), l => Is(l, "schedule_fired", "tick"));
            Assert.DoesNotContain(lines, l => l.Contains("schedule_failed", StringComparison.Ordinal));
            fired.AddRange(lines.Where(l => Is(l, "schedule_fired", "tick")).Select(FiredWorkflow));
        }

        await using (var again = Serve())
        {
            var start = again.Lines.Count;
            await again.WaitForLineAsync(l => Is(l, "schedule_fired", "tick"), what: "a firing after the restart");
            var (code, _) = await again.TerminateAsync();

            Assert.Equal(0, code);
            Assert.DoesNotContain(again.Lines, l => l.Contains("schedule_failed", StringComparison.Ordinal));
            fired.AddRange(again.Lines.Skip(start).Where(l => Is(l, "schedule_fired", "tick")).Select(FiredWorkflow));
        }

        Assert.Equal(fired.Count, fired.Distinct(StringComparer.Ordinal).Count());
        await using var connection = new SqliteConnection($"Data Source={Db};Pooling=False");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT workflow_id FROM workflows ORDER BY workflow_id";
        var stored = new List<string>();
        using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetString(0));
            }
        }

        Assert.Equal(fired.Order(StringComparer.Ordinal), stored);
    }

    [Fact]
    public async Task Serve_HooksOfTheConfigDirectory_RunForTheScheduledRuns()
    {
        WriteSchedule("tick.json", """{ "interval_seconds": 1, "plan": "../tick-plan.json" }""");
        File.WriteAllText(Path.Combine(Config, "hooks.json"), """
            { "hooks": [ { "name": "announce-end", "point": "after_workflow_run", "command": ["sh", "-c", "echo \"ended $AGENTMANAGER_WORKFLOW_ID\""] } ] }
            """);
        await using var serve = Serve();

        var fired = await serve.WaitForLineAsync(l => Is(l, "schedule_fired", "tick"), what: "a firing");
        var workflowId = FiredWorkflow(serve.Lines[fired]);
        var hook = await serve.WaitForLineAsync(l => l.Contains("hook_succeeded", StringComparison.Ordinal) && l.Contains("ended " + workflowId, StringComparison.Ordinal), what: "the hook of the run");
        var (code, _) = await serve.TerminateAsync();

        Assert.Equal(0, code);
        Assert.Contains("announce-end (after_workflow_run)", serve.Lines[hook], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_BadHooksFile_ExitsTwoNamingIt()
    {
        File.WriteAllText(Path.Combine(Config, "hooks.json"), """{ "hooks": [ { "name": "x", "point": "someday", "command": ["true"] } ] }""");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await ServeCommand.RunAsync(["--config", Config, "--db", Db], stdout, stderr, CancellationToken.None);

        Assert.Equal(2, code);
        Assert.Contains("someday", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_BadScheduleFile_ExitsTwoNamingTheFileAndTheField()
    {
        WriteSchedule("broken.json", """{ "cron": "0 * * * *", "plan": "../tick-plan.json", "interval_seconds": "soon" }""");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await ServeCommand.RunAsync(["--config", Config, "--db", Db], stdout, stderr, CancellationToken.None);

        Assert.Equal(2, code);
        Assert.Contains(Path.Combine(Config, "schedules", "broken.json") + ": interval_seconds: must be a number, not a string", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "serve needs --config DIR")]
    [InlineData(new[] { "--config" }, "'--config' is not an option of serve (or its value is missing)")]
    [InlineData(new[] { "--config", "/nonexistent/agentmanager" }, "--config '/nonexistent/agentmanager' is not a directory")]
    [InlineData(new[] { "--retention", "forever" }, "--retention 'forever' is not an age")]
    public async Task Serve_BadArguments_ExitTwoWithUsage(string[] args, string expected)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await ServeCommand.RunAsync(args, stdout, stderr, CancellationToken.None);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("usage: agentmanager-console serve --config DIR", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedules_ListPauseResumeDelete_OnTheStore()
    {
        WriteSchedule("hourly.json", """{ "interval_seconds": 3600, "plan": "../tick-plan.json" }""");
        await using (var serve = Serve())
        {
            await serve.WaitForOutputAsync(l => l.StartsWith("Serving 1 schedule(s)", StringComparison.Ordinal));
            await serve.TerminateAsync();
        }

        var listed = await SchedulesAsync("list", "--db", Db);
        var unknown = await SchedulesAsync("pause", "ghost", "--db", Db);
        var deleted = await SchedulesAsync("delete", "hourly", "--db", Db);
        var again = await SchedulesAsync("delete", "hourly", "--db", Db);
        var empty = await SchedulesAsync("list", "--json", "--db", Db);

        Assert.Equal(0, listed.Code);
        Assert.Contains("hourly", listed.Stdout, StringComparison.Ordinal);
        Assert.Contains("every 01:00:00", listed.Stdout, StringComparison.Ordinal);
        Assert.Equal((2, "No schedule has the id 'ghost'."), (unknown.Code, unknown.Stderr.Trim()));
        Assert.Equal((0, 2), (deleted.Code, again.Code));
        Assert.Equal("[]", empty.Stdout.Trim());
    }

    [Theory]
    [InlineData(new string[0], "schedules needs an action")]
    [InlineData(new[] { "pause" }, "schedules pause needs a schedule id")]
    [InlineData(new[] { "list", "x" }, "'list' is not an action of schedules (or it takes no id)")]
    [InlineData(new[] { "explode", "x" }, "'explode' is not an action of schedules")]
    [InlineData(new[] { "list", "--yaml" }, "'--yaml' is not an option of schedules")]
    public async Task Schedules_BadArguments_ExitTwoWithUsage(string[] args, string expected)
    {
        var (code, _, stderr) = await SchedulesAsync(args);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Contains("usage: agentmanager-console schedules list", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedules_NoStore_ExitsTwo()
    {
        var (code, _, stderr) = await SchedulesAsync("list", "--db", Path.Combine(_dir, "none.db"));

        Assert.Equal(2, code);
        Assert.Contains("No state store at", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SampleConfig_Schedules_LoadAndPointAtTheSamplePlan()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "AgentManager.slnx")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        var schedules = await SchedulesFile.LoadDirectoryAsync(Path.Combine(root, "samples", "config"));

        Assert.Equal(["docs-every-5-minutes", "nightly-docs"], schedules.Select(s => s.Id));
        Assert.All(schedules, s => Assert.Equal(Path.Combine(root, "samples", "plans", "docs-pipeline.json"), s.PlanPath));
    }
}

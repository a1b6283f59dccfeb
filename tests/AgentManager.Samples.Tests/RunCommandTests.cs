using System.Text.Json;
using AgentManager.Samples.Console;

namespace AgentManager.Samples.Tests;

public sealed class RunCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "agentmanager-sample-tests", Guid.NewGuid().ToString("N"));

    public RunCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var code = await RunCommand.RunAsync(args, stdout, stderr, timeout.Token);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string Db => Path.Combine(_dir, "state.db");

    private string WritePlan(string json)
    {
        var path = Path.Combine(_dir, "plan.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static JsonElement LastJsonLine(string stdout) =>
        JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]).RootElement;

    [Fact]
    public async Task Run_SamplePlan_CompletesEveryTaskAndEndsWithTheSummaryLine()
    {
        var root = Path.Combine(_dir, "run");

        var (code, stdout, stderr) = await RunAsync(Path.Combine(AppContext.BaseDirectory, "plans", "docs-pipeline.json"), "--workdir", root, "--concurrency", "2", "--db", Db);

        Assert.Equal(0, code);
        var summary = LastJsonLine(stdout);
        Assert.Equal("completed", summary.GetProperty("status").GetString());
        Assert.Equal(4, summary.GetProperty("tasks").GetInt32());
        Assert.Equal(4, summary.GetProperty("completed").GetInt32());
        Assert.Equal(0, summary.GetProperty("failed").GetInt32());
        Assert.Equal(0, summary.GetProperty("cancelled").GetInt32());
        Assert.StartsWith("docs-pipeline-", summary.GetProperty("workflow_id").GetString(), StringComparison.Ordinal);
        Assert.True(summary.GetProperty("duration_ms").GetInt64() >= 0);
        Assert.Contains("Chapter 2: How", File.ReadAllText(Path.Combine(root, "book", "book.md")), StringComparison.Ordinal);
        Assert.Contains("task_completed", stderr, StringComparison.Ordinal);
        Assert.Contains("assemble", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_AfterARun_ListsTheWorkflowWithItsTaskStatesFromTheDatabase()
    {
        var plan = Path.Combine(AppContext.BaseDirectory, "plans", "docs-pipeline.json");
        var (runCode, runOut, _) = await RunAsync(plan, "--workdir", Path.Combine(_dir, "run"), "--db", Db);
        Assert.Equal(0, runCode);
        var workflowId = LastJsonLine(runOut).GetProperty("workflow_id").GetString();

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await StatusCommand.RunAsync(["--json", "--db", Db], stdout, stderr, CancellationToken.None);

        Assert.Equal(0, code);
        var workflow = Assert.Single(JsonDocument.Parse(stdout.ToString()).RootElement.EnumerateArray());
        Assert.Equal(workflowId, workflow.GetProperty("workflow_id").GetString());
        Assert.Equal("completed", workflow.GetProperty("status").GetString());
        Assert.Equal(4, workflow.GetProperty("states").GetProperty("completed").GetInt32());
        Assert.Equal("completed", workflow.GetProperty("task_states").GetProperty("assemble").GetString());
        using var text = new StringWriter();
        Assert.Equal(0, await StatusCommand.RunAsync(["--db", Db], text, stderr, CancellationToken.None));
        Assert.Equal($"{workflowId,-32} completed     4 tasks: 4 completed", text.ToString().TrimEnd());
    }

    [Fact]
    public async Task Status_NoDatabase_ExitsTwoNamingThePath()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await StatusCommand.RunAsync(["--db", Db], stdout, stderr, CancellationToken.None);

        Assert.Equal(2, code);
        Assert.Contains($"No state store at '{Db}'", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FailingItem_ExitsOneAndCancelsItsDependents()
    {
        var plan = WritePlan("""
            {
              "plan_id": "failing",
              "agents": [ { "agent_id": "w", "runner": { "kind": "process", "command": ["sh", "-c", "exit 3"] } } ],
              "items": [
                { "id": "a", "title": "A", "assignee": "w", "max_attempts": 1, "verification": "true" },
                { "id": "b", "title": "B", "assignee": "w", "dependencies": ["a"], "verification": "true" }
              ]
            }
            """);

        var (code, stdout, _) = await RunAsync(plan, "--workdir", Path.Combine(_dir, "run"), "--db", Db);

        Assert.Equal(1, code);
        var summary = LastJsonLine(stdout);
        Assert.Equal("failed", summary.GetProperty("status").GetString());
        Assert.Equal(1, summary.GetProperty("failed").GetInt32());
        Assert.Equal(1, summary.GetProperty("cancelled").GetInt32());
    }

    [Fact]
    public async Task Run_MissingFile_ExitsTwoNamingIt()
    {
        var (code, stdout, stderr) = await RunAsync(Path.Combine(_dir, "absent.json"));

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("absent.json: the plan file does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MalformedJson_ExitsTwoWithTheLine()
    {
        var plan = WritePlan("{\n  \"plan_id\": \"x\",\n  \"items\": [ { \"id\": 12 } ]\n}");

        var (code, _, stderr) = await RunAsync(plan);

        Assert.Equal(2, code);
        Assert.Contains("plan.json: invalid plan JSON at line 3", stderr, StringComparison.Ordinal);
        Assert.Contains("$.items[0].id", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "plan_id": "p", "items": [] }""", "items: the plan has no items")]
    [InlineData("""{ "items": [ { "id": "a", "title": "A", "assignee": "w" } ], "agents": [ { "agent_id": "w", "runner": { "kind": "process", "command": ["true"] } } ] }""", "plan_id: is required")]
    [InlineData("""{ "plan_id": "p", "items": [ { "id": "a", "title": "A", "assignee": "ghost" } ], "agents": [ { "agent_id": "w", "runner": { "kind": "process", "command": ["true"] } } ] }""", "items[0].assignee: 'ghost' is not an agent_id")]
    [InlineData("""{ "plan_id": "p", "items": [ { "id": "a", "title": "A", "assignee": "w" } ], "agents": [ { "agent_id": "w", "runner": { "kind": "docker" } } ] }""", "agents[0].runner.kind: 'docker' is not supported")]
    [InlineData("""{ "plan_id": "p", "items": [ { "id": "a", "title": "A", "assignee": "w" } ], "agents": [ { "agent_id": "w", "runner": { "kind": "process", "command": [] } } ] }""", "agents[0].runner.command: must be a non-empty array")]
    [InlineData("""{ "plan_id": "p", "items": [ { "id": "a b", "title": "A", "assignee": "w" } ], "agents": [ { "agent_id": "w", "runner": { "kind": "process", "command": ["true"] } } ] }""", "items[0].id: 'a b' is not a valid id")]
    [InlineData("""{ "plan_id": "p", "items": [ { "id": "a", "title": "A", "assignee": "w", "priority": -1 } ], "agents": [ { "agent_id": "w", "runner": { "kind": "process", "command": ["true"] } } ] }""", "items[0].priority: -1 is negative")]
    [InlineData("""{ "plan_id": "p", "items": [ { "id": "a", "title": "A", "assignee": "w", "verification": "test \"x" } ], "agents": [ { "agent_id": "w", "runner": { "kind": "process", "command": ["true"] } } ] }""", "items[0].verification:")]
    [InlineData("""{ "plan_id": "p", "items": [ { "id": "a", "title": "A", "assignee": "w", "workdir": "../up" } ], "agents": [ { "agent_id": "w", "runner": { "kind": "process", "command": ["true"] } } ] }""", "workdir path '../up' is refused: '..' segments")]
    [InlineData("""{ "plan_id": "p", "items": [ { "id": "a", "title": "A", "assignee": "w", "workdir": "/abs" } ], "agents": [ { "agent_id": "w", "runner": { "kind": "process", "command": ["true"] } } ] }""", "workdir path '/abs' is refused: absolute paths")]
    [InlineData("""{ "plan_id": "p", "items": [ { "id": "a", "title": "A", "assignee": "w", "dependencies": ["b"] }, { "id": "b", "title": "B", "assignee": "w", "dependencies": ["a"] } ], "agents": [ { "agent_id": "w", "runner": { "kind": "process", "command": ["true"] } } ] }""", "cycle")]
    [InlineData("""{ "plan_id": "p", "items": [ { "id": "a", "title": "A", "assignee": "w", "dependencies": ["zzz"] } ], "agents": [ { "agent_id": "w", "runner": { "kind": "process", "command": ["true"] } } ] }""", "dependencies[0]: 'zzz' is not an item of this plan")]
    public async Task Run_InvalidPlan_ExitsTwoNamingTheFieldAndRule(string json, string expected)
    {
        var plan = WritePlan(json);

        var (code, stdout, stderr) = await RunAsync(plan, "--workdir", Path.Combine(_dir, "run"), "--in-memory");

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("plan.json", stderr, StringComparison.Ordinal);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "run needs a plan file")]
    [InlineData(new[] { "p.json", "--concurrency", "0" }, "--concurrency '0' is not a whole number of at least 1")]
    [InlineData(new[] { "p.json", "--frobnicate" }, "'--frobnicate' is not an option of run")]
    [InlineData(new[] { "p.json", "--workdir" }, "--workdir needs a directory")]
    public async Task Run_BadArguments_ExitsTwoWithUsage(string[] args, string expected)
    {
        var (code, _, stderr) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Contains("usage:", stderr, StringComparison.Ordinal);
    }
}

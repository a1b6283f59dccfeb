using System.Text.Json;
using AgentManager.Samples.Console;

namespace AgentManager.Samples.Tests;

/// <summary><c>run</c>, <c>resume</c> and <c>agents</c> with a configuration directory: profiles, templates
/// and hooks, and the plan service's confirm on the way.</summary>
public sealed class ControlPlaneCommandsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "agentmanager-sample-tests", Guid.NewGuid().ToString("N"));

    public ControlPlaneCommandsTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static string SampleConfig => Path.Combine(AppContext.BaseDirectory, "config");

    private static string SamplePlan => Path.Combine(AppContext.BaseDirectory, "plans", "docs-pipeline.json");

    private string Db => Path.Combine(_dir, "state.db");

    private string Work => Path.Combine(_dir, "run");

    private static async Task<(int Code, string Stdout, string Stderr)> InvokeAsync(Func<string[], TextWriter, TextWriter, CancellationToken, Task<int>> command, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var code = await command(args, stdout, stderr, timeout.Token);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static JsonElement LastJsonLine(string stdout) =>
        JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]).RootElement;

    /// <summary>A configuration directory of this test holding only a hooks.json.</summary>
    private string HooksConfig(string hooksJson)
    {
        var config = Path.Combine(_dir, "config");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "hooks.json"), hooksJson);
        return config;
    }

    private string WritePlan(string json)
    {
        var path = Path.Combine(_dir, "plan.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public async Task Run_SampleConfig_WriterGetsItsProfilePromptAndTheHooksRun()
    {
        var (code, stdout, stderr) = await InvokeAsync(RunCommand.RunAsync, SamplePlan, "--config", SampleConfig, "--workdir", Work, "--db", Db);

        Assert.Equal(0, code);
        Assert.Equal("completed", LastJsonLine(stdout).GetProperty("status").GetString());
        var outline = File.ReadAllText(Path.Combine(Work, "book", "outline.md"));
        Assert.StartsWith("# Agent: Writer\n\nYou are the writer of a small technical book.", outline, StringComparison.Ordinal);
        Assert.Contains("# Skills\n\n## house-style\n\nShort sentences.", outline, StringComparison.Ordinal);
        Assert.Contains("# MCP servers\n\n## docs-search", outline, StringComparison.Ordinal);
        Assert.EndsWith("# Task\n\n# A small book\n\n1. Why\n2. How", outline.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("Chapter 2: How", File.ReadAllText(Path.Combine(Work, "book", "book.md")), StringComparison.Ordinal); // the assembler has no profile
        Assert.Contains("task_plan_confirmed", stderr, StringComparison.Ordinal);
        Assert.Contains("hook_succeeded", stderr, StringComparison.Ordinal);
        Assert.Contains("plan-has-items (before_task_plan_confirm): plan docs-pipeline-", stderr, StringComparison.Ordinal);
        Assert.Contains("announce-start (before_workflow_run): starting docs-pipeline-", stderr, StringComparison.Ordinal);
        Assert.Contains("announce-end (after_workflow_run): workflow docs-pipeline-", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithoutConfig_PlanFileAgentsGetTheTaskPromptAsItIs()
    {
        var (code, _, _) = await InvokeAsync(RunCommand.RunAsync, SamplePlan, "--workdir", Work, "--in-memory");

        Assert.Equal(0, code);
        Assert.Equal("# A small book\n\n1. Why\n2. How\n", File.ReadAllText(Path.Combine(Work, "book", "outline.md")));
    }

    [Fact]
    public async Task Run_BeforeConfirmHookFails_ExitsTwoWithTheReasonAndRunsNothing()
    {
        var config = HooksConfig("""{ "hooks": [ { "name": "policy", "point": "before_task_plan_confirm", "command": ["sh", "-c", "echo no plans on Fridays >&2; exit 3"] } ] }""");

        var (code, stdout, stderr) = await InvokeAsync(RunCommand.RunAsync, SamplePlan, "--config", config, "--workdir", Work, "--db", Db);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("docs-pipeline.json: Task plan 'docs-pipeline-", stderr, StringComparison.Ordinal);
        Assert.Contains("was not confirmed: Hook 'policy' (before_task_plan_confirm) exited with code 3: no plans on Fridays", stderr, StringComparison.Ordinal);
        Assert.Contains("task_plan_confirm_failed", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Work));
        Assert.DoesNotContain("workflow_created", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BeforeWorkflowRunHookFails_ExitsTwoLeavingItCreated_ResumeStartsItOnceTheHookPasses()
    {
        var config = HooksConfig("""{ "hooks": [ { "name": "gate", "point": "before_workflow_run", "command": ["sh", "-c", "test -f open"] } ] }""");

        var (code, stdout, stderr) = await InvokeAsync(RunCommand.RunAsync, SamplePlan, "--config", config, "--workdir", Work, "--db", Db);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("was not started: Hook 'gate' (before_workflow_run) exited with code 1", stderr, StringComparison.Ordinal);
        var (_, status, _) = await InvokeAsync(StatusCommand.RunAsync, "--json", "--db", Db);
        Assert.Equal("created", Assert.Single(JsonDocument.Parse(status).RootElement.EnumerateArray()).GetProperty("status").GetString());

        File.WriteAllText(Path.Combine(config, "open"), "");
        var (resumeCode, resumed, _) = await InvokeAsync(ResumeCommand.RunAsync, "--db", Db);

        Assert.Equal(0, resumeCode);
        Assert.Equal("completed", LastJsonLine(resumed).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Run_ItemWithoutVerification_IsRefusedAtConfirm()
    {
        var plan = WritePlan("""
            {
              "plan_id": "unverified",
              "agents": [ { "agent_id": "w", "runner": { "kind": "process", "command": ["true"] } } ],
              "items": [ { "id": "a", "title": "A", "assignee": "w" } ]
            }
            """);

        var (code, stdout, stderr) = await InvokeAsync(RunCommand.RunAsync, plan, "--workdir", Work, "--in-memory");

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("plan.json: ", stderr, StringComparison.Ordinal);
        Assert.Contains("'a': verification: required to confirm", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_RequiredSkillTheAssigneeLacks_IsRefusedAtConfirmUnlessTheConfigGivesIt()
    {
        var plan = WritePlan("""
            {
              "plan_id": "skilled",
              "agents": [ { "agent_id": "writer", "runner": { "kind": "process", "command": ["true"] } } ],
              "items": [ { "id": "a", "title": "A", "assignee": "writer", "required_skills": ["house-style"], "verification": "true" } ]
            }
            """);

        var (refused, _, stderr) = await InvokeAsync(RunCommand.RunAsync, plan, "--workdir", Work, "--in-memory");
        var (accepted, _, _) = await InvokeAsync(RunCommand.RunAsync, plan, "--config", SampleConfig, "--workdir", Work, "--in-memory");

        Assert.Equal(2, refused);
        Assert.Contains("agent 'writer' cannot resolve skill 'house-style'; the skills its profile resolves: none", stderr, StringComparison.Ordinal);
        Assert.Equal(0, accepted);
    }

    [Fact]
    public async Task Run_BadProfileInConfig_ExitsTwoNamingTheFile()
    {
        var config = Path.Combine(_dir, "bad-config");
        Directory.CreateDirectory(config);
        var bad = Path.Combine(config, "writer.md");
        File.WriteAllText(bad, "---\n{ \"agent_id\": \"writer\", \"layer\": \"middle\" }\n---\n");

        var (code, stdout, stderr) = await InvokeAsync(RunCommand.RunAsync, SamplePlan, "--config", config, "--workdir", Work, "--in-memory");

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains($"{bad}: layer: 'middle' is not a layer", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AfterWorkflowRunHook_HasRunWhenTheCommandReturns()
    {
        var marker = Path.Combine(_dir, "after.txt");
        var config = HooksConfig($$"""{ "hooks": [ { "name": "record", "point": "after_workflow_run", "command": ["sh", "-c", "sleep 0.2; echo $AGENTMANAGER_STATUS > '{{marker}}'"] } ] }""");

        var (code, _, _) = await InvokeAsync(RunCommand.RunAsync, SamplePlan, "--config", config, "--workdir", Work, "--in-memory");

        Assert.Equal(0, code);
        Assert.Equal("completed", File.ReadAllText(marker).Trim());
    }

    [Fact]
    public async Task Agents_SampleConfigAndPlan_JsonListsEveryResolvedProfile()
    {
        var (code, stdout, _) = await InvokeAsync(AgentsCommand.RunAsync, "--config", SampleConfig, "--plan", SamplePlan, "--json");

        Assert.Equal(0, code);
        var agents = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToDictionary(a => a.GetProperty("agent_id").GetString()!);
        Assert.Equal(["assembler", "manager", "supervisor", "worker", "writer"], agents.Keys.Order(StringComparer.Ordinal));
        var writer = agents["writer"];
        Assert.Equal("Writer", writer.GetProperty("name").GetString());
        Assert.Equal(["house-style", "code-review"], writer.GetProperty("skills").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("docs-search", Assert.Single(writer.GetProperty("mcp_servers").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal("Assembler", agents["assembler"].GetProperty("name").GetString());
        Assert.Equal("plan file", writer.GetProperty("run_by").GetString());
        Assert.Equal(JsonValueKind.Null, agents["worker"].GetProperty("run_by").ValueKind);
        Assert.Equal("high", agents["manager"].GetProperty("layer").GetString());
    }

    [Fact]
    public async Task Agents_WithoutOptions_ListsTheBuiltIns()
    {
        var (code, stdout, _) = await InvokeAsync(AgentsCommand.RunAsync);

        Assert.Equal(0, code);
        Assert.Equal(["manager", "supervisor", "worker"], stdout.TrimEnd().Split('\n').Select(line => line.Split(' ')[0]));
    }

    [Theory]
    [InlineData(new[] { "--frobnicate" }, "'--frobnicate' is not an option of agents")]
    [InlineData(new[] { "--config" }, "--config needs a directory")]
    [InlineData(new[] { "--plan" }, "--plan needs a plan file")]
    public async Task Agents_BadArguments_ExitsTwoWithUsage(string[] args, string expected)
    {
        var (code, _, stderr) = await InvokeAsync(AgentsCommand.RunAsync, args);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Contains("usage:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agents_MissingConfigDirectory_ExitsTwoNamingIt()
    {
        var missing = Path.Combine(_dir, "nowhere");

        var (code, _, stderr) = await InvokeAsync(AgentsCommand.RunAsync, "--config", missing);

        Assert.Equal(2, code);
        Assert.Contains($"{missing}: the configuration directory does not exist", stderr, StringComparison.Ordinal);
    }
}

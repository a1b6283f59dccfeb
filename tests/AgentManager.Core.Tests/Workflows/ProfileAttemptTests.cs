using System.Collections.Concurrent;
using AgentManager.Agents;
using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Memory;
using AgentManager.Tests.Agents;
using AgentManager.Tests.Execution;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;
using static AgentManager.Tests.Workflows.EngineFixture;

namespace AgentManager.Tests.Workflows;

/// <summary>Attempts of an agent that has a profile: prompt, workdir policy, MCP configuration, memory.</summary>
public sealed class ProfileAttemptTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string Root => dir.PathOf("root");

    private static AgentProfile Writer(WorkdirMode mode = WorkdirMode.Isolated, MemoryContextOptions? memory = null, string prompt = "You write short, exact text.") => new()
    {
        AgentId = "writer",
        Name = "Writer",
        Prompt = prompt,
        Skills = [new TemplateReference(TemplateKind.Skill, "code-review")],
        Workdir = new WorkdirSettings { Mode = mode, Root = "writers" },
        Memory = memory,
    };

    private static McpServerTemplate Docs { get; } = new() { Name = "docs", Url = new Uri("https://mcp.example.com/docs"), Description = "Project docs." };

    private static EngineFixture Fixture(Action<IAgentManagerBuilder> profiles, Action<AgentManagerOptions>? configure = null, Action<IServiceProvider>? capture = null) =>
        new(configure, agents: profiles, capture: capture);

    /// <summary>A workflow whose tasks the <c>writer</c> agent runs, with a recording delegate runner.</summary>
    private WorkflowDefinition Written(IAgentRunner runner, params TaskDefinition[] tasks)
    {
        var workflow = new WorkflowDefinition { DefaultAgentId = "writer", WorkRoot = Root };
        workflow.Agents["writer"] = runner;
        foreach (var task in tasks)
        {
            workflow.Tasks.Add(task);
        }

        return workflow;
    }

    private static (IAgentRunner Runner, ConcurrentQueue<AgentInvocation> Seen) Recording(Func<AgentInvocation, AgentResult>? result = null)
    {
        var seen = new ConcurrentQueue<AgentInvocation>();
        var runner = Agent((invocation, _) =>
        {
            seen.Enqueue(invocation);
            return ValueTask.FromResult(result?.Invoke(invocation) ?? AgentResult.Success());
        });
        return (runner, seen);
    }

    [Fact]
    public async Task Run_AgentWithProfile_GetsThePromptBuilderPrompt()
    {
        await using var fixture = Fixture(b => b.AddAgentProfile(Writer()));
        var (runner, seen) = Recording();
        var task = Task("a");
        task.Metadata[PromptComposer.InstructionsKey] = "Use British spelling.";

        var summary = await fixture.RunAsync(Written(runner, task));

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        var prompt = Assert.Single(seen).Prompt;
        Assert.StartsWith("# Agent: Writer\n\nYou write short, exact text.\n\n# Instructions\n\nUse British spelling.\n\n# Skills\n\n## code-review", prompt, StringComparison.Ordinal);
        Assert.EndsWith("# Task\n\ndo a", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("# Context", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AgentWithoutProfile_GetsTheTaskPromptAsItIs()
    {
        await using var fixture = Fixture(b => b.AddAgentProfile(Writer()));
        var (runner, seen) = Recording();
        var workflow = Written(runner, Task("a"));
        workflow.DefaultAgentId = "plain";
        workflow.Agents["plain"] = runner;

        await fixture.RunAsync(workflow);

        var invocation = Assert.Single(seen);
        Assert.Equal(("do a", null, null), (invocation.Prompt, invocation.Workdir, invocation.McpConfigPath));
    }

    [Fact]
    public async Task Run_ProfileThatAddsNothing_GetsTheTaskPromptAsItIs()
    {
        await using var fixture = Fixture(b => b.AddAgentProfile(new AgentProfile { AgentId = "writer", Name = "Bare", Workdir = new WorkdirSettings { Mode = WorkdirMode.Shared } }));
        var (runner, seen) = Recording();

        await fixture.RunAsync(Written(runner, Task("a")));

        Assert.Equal("do a", Assert.Single(seen).Prompt);
    }

    [Fact]
    public async Task Retry_PreviousErrorIsInTheContext()
    {
        await using var fixture = Fixture(b => b.AddAgentProfile(Writer()));
        var (runner, seen) = Recording(inv => inv.Attempt == 1 ? AgentResult.Failure("lint failed at line 3") : AgentResult.Success());

        var summary = await fixture.RunAsync(Written(runner, Task("a")));

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        var retry = seen.ElementAt(1);
        Assert.Equal(2, retry.Attempt);
        Assert.EndsWith("# Context\n\nAttempt 1 of this task failed: lint failed at line 3", retry.Prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("# Context", seen.First().Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PromptOverBudget_IsCutAndSaysSo()
    {
        var longPrompt = string.Join("\n\n", Enumerable.Range(1, 40).Select(i => $"Rule {i}: keep every sentence short and exact."));
        await using var fixture = Fixture(b => b.AddAgentProfile(Writer(prompt: longPrompt)), o => o.MaxPromptChars = 400);
        var (runner, seen) = Recording();

        await fixture.RunAsync(Written(runner, Task("a")));

        var prompt = Assert.Single(seen).Prompt;
        Assert.True(prompt.Length <= 400, $"{prompt.Length} characters");
        Assert.Contains("# Task\n\ndo a", prompt, StringComparison.Ordinal);
        Assert.Matches(@"\[\.\.\. \d+ characters omitted to fit the 400-character budget\]$", prompt);
    }

    [Fact]
    public async Task Run_ProfileAsksForMemory_RelevantMemoriesAreInTheContext()
    {
        IServiceProvider? services = null;
        await using var fixture = Fixture(
            b => b.AddAgentMemory().AddAgentProfile(Writer(memory: new MemoryContextOptions { TopK = 1, MinScore = 0.1 })),
            capture: sp => services = sp);
        var memory = services!.GetRequiredService<SemanticMemory>();
        await memory.RememberAsync("Database migrations need the schema lock first.");
        await memory.RememberAsync("The office plants are watered on Fridays.");
        var (runner, seen) = Recording();
        var task = Task("migrate");
        task.Prompt = "apply the database migrations";

        await fixture.RunAsync(Written(runner, task));

        var prompt = Assert.Single(seen).Prompt;
        Assert.Contains("# Context\n\nFrom memory (relevance ", prompt, StringComparison.Ordinal);
        Assert.Contains("Database migrations need the schema lock first.", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("plants", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MemoryNotRegistered_ProfileStillRunsWithoutMemories()
    {
        await using var fixture = Fixture(b => b.AddAgentProfile(Writer(memory: new MemoryContextOptions())));
        var (runner, seen) = Recording();

        var summary = await fixture.RunAsync(Written(runner, Task("a")));

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.DoesNotContain("# Context", Assert.Single(seen).Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ProfileWithMcpServers_ProcessAgentReadsTheConfigFromTheEnvironment()
    {
        var profile = new AgentProfile { AgentId = "writer", McpServers = [new TemplateReference(TemplateKind.Mcp, "docs")], Workdir = new WorkdirSettings { Mode = WorkdirMode.Shared } };
        var catalog = new AgentCatalog([profile], [], [Docs]);
        await using var fixture = Fixture(b => b.Services.AddSingleton(catalog));
        var options = new ProcessAgentOptions { PromptDelivery = PromptDelivery.None };
        options.Command.Add("/bin/sh");
        options.Command.Add("-c");
        options.Command.Add("cat \"$AGENTMANAGER_MCP_CONFIG\" > seen.json && echo \"$AGENTMANAGER_MCP_CONFIG\" > path.txt");

        var summary = await fixture.RunAsync(Written(new ProcessAgentRunner(options), Task("a")));

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        var workdir = Path.Combine(Root, "writer");
        Assert.Contains("\"docs\": {\n      \"type\": \"http\",\n      \"url\": \"https://mcp.example.com/docs\"", File.ReadAllText(Path.Combine(workdir, "seen.json")), StringComparison.Ordinal);
        var configPath = File.ReadAllText(Path.Combine(workdir, "path.txt")).Trim();
        Assert.Equal(Path.Combine(Root, ".agentmanager", "mcp", summary.WorkflowId, "a", "attempt-1", McpConfigWriter.FileName), configPath);
        Assert.False(File.Exists(configPath)); // removed with the attempt
    }

    [Fact]
    public async Task Run_ProfileWithMcpServers_DelegateAgentSeesThePathOnTheInvocation()
    {
        var profile = new AgentProfile { AgentId = "writer", McpServers = [new TemplateReference(TemplateKind.Mcp, "docs")] };
        await using var fixture = Fixture(b => b.Services.AddSingleton(new AgentCatalog([profile], [], [Docs])));
        string? content = null;
        var runner = Agent((inv, _) =>
        {
            content = File.ReadAllText(inv.McpConfigPath!);
            return ValueTask.FromResult(AgentResult.Success());
        });

        await fixture.RunAsync(Written(runner, Task("a")));

        Assert.StartsWith("{\n  \"mcpServers\": {\n    \"docs\"", content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_IsolatedProfile_EachTaskWorksInItsOwnDirectory()
    {
        await using var fixture = Fixture(b => b.AddAgentProfile(Writer(WorkdirMode.Isolated)));
        var (runner, seen) = Recording();
        var workflow = Written(runner, Task("a"), Task("b"));
        workflow.Id = "iso-wf";

        await fixture.RunAsync(workflow);

        var byTask = seen.ToDictionary(inv => inv.TaskId, inv => inv.Workdir);
        Assert.Equal(Path.Combine(Root, "writers", "iso-wf", "a"), byTask["a"]);
        Assert.Equal(Path.Combine(Root, "writers", "iso-wf", "b"), byTask["b"]);
        Assert.True(Directory.Exists(byTask["a"]));
    }

    [Fact]
    public async Task Run_SharedProfile_TasksShareTheRootOneAtATime()
    {
        await using var fixture = Fixture(b => b.AddAgentProfile(Writer(WorkdirMode.Shared)), o => o.MaxConcurrency = 4);
        var running = 0;
        var most = 0;
        var workdirs = new ConcurrentBag<string?>();
        var runner = Agent(async (inv, ct) =>
        {
            workdirs.Add(inv.Workdir);
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await System.Threading.Tasks.Task.Delay(20, ct);
            Interlocked.Decrement(ref running);
            return AgentResult.Success();
        });

        await fixture.RunAsync(Written(runner, Task("a"), Task("b"), Task("c")));

        Assert.Equal([Path.Combine(Root, "writers")], workdirs.Distinct());
        Assert.Equal(1, most);
    }

    [Fact]
    public async Task Run_TemporaryProfile_DirectoryIsRemovedAfterTheTaskWhateverTheOutcome()
    {
        await using var fixture = Fixture(b => b.AddAgentProfile(Writer(WorkdirMode.Temporary)));
        var (runner, seen) = Recording(inv =>
        {
            File.WriteAllText(Path.Combine(inv.Workdir!, $"scratch-{inv.Attempt}.txt"), "x");
            return inv.TaskId == "bad" ? AgentResult.Failure("no") : AgentResult.Success();
        });
        var bad = Task("bad");
        bad.MaxAttempts = 2;

        var summary = await fixture.RunAsync(Written(runner, Task("good"), bad));

        Assert.Equal(TaskState.Failed, summary.Tasks.Single(t => t.TaskId == "bad").State);
        var used = seen.Select(inv => inv.Workdir!).Distinct().ToList();
        Assert.Equal(2, used.Count); // both attempts of 'bad' share one directory
        foreach (var workdir in used)
        {
            await Poll.UntilAsync(() => !Directory.Exists(workdir), $"{workdir} to be removed");
        }
    }

    [Fact]
    public async Task Run_TaskWithItsOwnWorkdir_KeepsItOverTheProfilePolicy()
    {
        await using var fixture = Fixture(b => b.AddAgentProfile(Writer(WorkdirMode.Temporary)));
        var (runner, seen) = Recording();
        var task = Task("a");
        task.Workdir = "book";

        await fixture.RunAsync(Written(runner, task));

        Assert.Equal(Path.Combine(Root, "book"), Assert.Single(seen).Workdir);
        Assert.True(Directory.Exists(Path.Combine(Root, "book")));
    }

    [Fact]
    public async Task CreateAsync_ProfileRootEscapingThroughALink_IsRefusedNamingTaskAndAgent()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(dir.PathOf("outside"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "writers"), dir.PathOf("outside"));
        await using var fixture = Fixture(b => b.AddAgentProfile(Writer()));
        var (runner, _) = Recording();

        var error = await Assert.ThrowsAsync<WorkflowValidationException>(() => fixture.Engine.CreateAsync(Written(runner, Task("a"))));

        Assert.Contains("Task 'a': agent 'writer' workdir.root: The workdir path 'writers' is refused: it resolves to", Assert.Single(error.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_ProfileRootMissingAndNotToBeCreated_IsRefused()
    {
        var profile = new AgentProfile { AgentId = "writer", Workdir = new WorkdirSettings { Root = "fixed", CreateIfMissing = false } };
        await using var fixture = Fixture(b => b.AddAgentProfile(profile));
        var (runner, _) = Recording();

        var error = await Assert.ThrowsAsync<WorkflowValidationException>(() => fixture.Engine.CreateAsync(Written(runner, Task("a"))));

        Assert.Equal($"Task 'a': agent 'writer' workdir.root: the directory '{Path.Combine(Root, "fixed")}' does not exist and create_if_missing is false.", Assert.Single(error.Errors));
    }

    [Fact]
    public async Task Run_RootTurnedIntoAnEscapingLinkAfterCreate_FailsTheAttemptSayingWhy()
    {
        await using var fixture = Fixture(b => b.AddAgentProfile(Writer()));
        var (runner, seen) = Recording();
        var workflow = Written(runner, Task("a"));
        workflow.Tasks[0].MaxAttempts = 1;
        var id = await fixture.Engine.CreateAsync(workflow);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(dir.PathOf("outside"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "writers"), dir.PathOf("outside"));

        await fixture.Engine.StartAsync(id);
        var summary = await fixture.Engine.WaitForCompletionAsync(id);

        Assert.Empty(seen);
        Assert.Contains("Agent 'writer' could not be prepared: agent 'writer': workdir.root: The workdir path 'writers' is refused", summary.Tasks[0].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ProfileWithARunnerAndNoRegistration_RunsItsProcessWithItsTimeout()
    {
        var fast = new ProcessAgentOptions { PromptDelivery = PromptDelivery.None };
        fast.Command.Add("/bin/sh");
        fast.Command.Add("-c");
        fast.Command.Add("echo ran > ran.txt");
        var slow = new ProcessAgentOptions { PromptDelivery = PromptDelivery.None };
        slow.Command.Add("sleep");
        slow.Command.Add("30");
        await using var fixture = Fixture(b => b
            .AddAgentProfile(new AgentProfile { AgentId = "fast", Runner = fast, Workdir = new WorkdirSettings { Mode = WorkdirMode.Shared } })
            .AddAgentProfile(new AgentProfile { AgentId = "slow", Runner = slow, RunnerTimeout = TimeSpan.FromMilliseconds(300) }));
        var workflow = new WorkflowDefinition { WorkRoot = Root };
        workflow.Tasks.Add(new TaskDefinition("quick") { AgentId = "fast" });
        workflow.Tasks.Add(new TaskDefinition("stuck") { AgentId = "slow", MaxAttempts = 1 });

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(TaskState.Completed, summary.Tasks.Single(t => t.TaskId == "quick").State);
        Assert.True(File.Exists(Path.Combine(Root, "fast", "ran.txt")));
        Assert.Contains("timed out after 0.3 s", summary.Tasks.Single(t => t.TaskId == "stuck").LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_ProfileWithoutRunnerAndNoRegistration_SaysHowToGiveItOne()
    {
        await using var fixture = Fixture(b => b.AddAgentProfile(Writer()));
        var workflow = new WorkflowDefinition { DefaultAgentId = "writer", WorkRoot = Root };
        workflow.Tasks.Add(Task("a"));

        var error = await Assert.ThrowsAsync<WorkflowValidationException>(() => fixture.Engine.CreateAsync(workflow));

        Assert.Equal(
            "Task 'a' names agent 'writer', which is not registered (its profile declares no runner: register one with AddAgent, give the profile a runner, or add it to the workflow's Agents); known agents: none.",
            Assert.Single(error.Errors));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}

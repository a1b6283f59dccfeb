using System.Collections.Concurrent;
using AgentManager.Agents;
using AgentManager.Execution;
using AgentManager.Persistence;
using AgentManager.Tests.Agents;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;
using static AgentManager.Tests.Workflows.EngineFixture;
using static AgentManager.Tests.Workflows.LadderKit;

namespace AgentManager.Tests.Workflows;

/// <summary>What attempts leave on disk: every temporary directory a task used goes when the task ends, and what a
/// crash left behind goes when the workflow is resumed.</summary>
public sealed class LeftoverWorkdirTests : IDisposable
{
    private const string WorkflowId = "leftovers";
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string Root => dir.PathOf("root");

    private static McpServerTemplate Docs { get; } = new() { Name = "docs", Url = new Uri("https://mcp.example.com/docs"), Description = "Project docs." };

    private static AgentProfile Temporary(string agentId, string root) => new()
    {
        AgentId = agentId,
        Workdir = new WorkdirSettings { Mode = WorkdirMode.Temporary, Root = root },
        McpServers = [new TemplateReference(TemplateKind.Mcp, "docs")],
    };

    private static EngineFixture Fixture(IStateStore store, params AgentProfile[] profiles) =>
        new(store: store, agents: b => b.Services.AddSingleton(new AgentCatalog(profiles, [], [Docs])));

    /// <summary>a, then b, then c, all run by the <c>writer</c> agent, each writing its id into its workdir.</summary>
    private WorkflowDefinition Chain(Func<AgentInvocation, CancellationToken, Task> before)
    {
        var writer = Agent(async (inv, ct) =>
        {
            await before(inv, ct);
            await File.WriteAllTextAsync(Path.Combine(inv.Workdir!, "work.txt"), inv.TaskId, ct);
            return AgentResult.Success();
        });
        var workflow = Workflow(writer, Task("a"), Task("b", "a"), Task("c", "b"));
        workflow.Id = WorkflowId;
        workflow.WorkRoot = Root;
        workflow.Agents["writer"] = writer;
        workflow.DefaultAgentId = "writer";
        return workflow;
    }

    [Fact]
    public async Task ResumeAsync_AfterACrash_RemovesTheMcpFoldersAndTheTemporaryWorkdirsOfEndedTasks()
    {
        var store = new InMemoryStateStore();
        var bStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var crashedChain = Chain(async (inv, ct) =>
        {
            if (inv.TaskId == "b")
            {
                await File.WriteAllTextAsync(Path.Combine(inv.Workdir!, "started.txt"), "b", ct);
                bStarted.TrySetResult();
                await System.Threading.Tasks.Task.Delay(Timeout.Infinite, ct);
            }
        });
        await using (var crashed = Fixture(store, Temporary("writer", "writers")))
        {
            await crashed.Engine.CreateAsync(crashedChain);
            await crashed.Engine.StartAsync(WorkflowId);
            await bStarted.Task.WaitAsync(Patience);
        }

        // What a crash right after a ended would have left (the engine above removed it, as it does when it survives).
        var aWorkdir = dir.PathOf($"root/writers/{WorkflowId}/a");
        await UntilAsync(() => !Directory.Exists(aWorkdir), "a's temporary workdir to go with a");
        dir.Write($"root/writers/{WorkflowId}/a/work.txt", "a");
        dir.Write($"root/.agentmanager/mcp/{WorkflowId}/a/attempt-1/mcp-config.json", "{\"secret\": \"a\"}");
        dir.Write($"root/.agentmanager/mcp/{WorkflowId}/b/attempt-1/mcp-config.json", "{\"secret\": \"b\"}");
        var unrelated = new[]
        {
            dir.Write($"root/writers/{WorkflowId}/not-a-task/keep.txt", "x"),
            dir.Write("root/writers/other-workflow/a/keep.txt", "x"),
            dir.Write("root/.agentmanager/mcp/other-workflow/a/attempt-1/mcp-config.json", "x"),
        };

        var bFoundItsWork = new ConcurrentQueue<bool>();
        var resumedChain = Chain((inv, _) =>
        {
            if (inv.TaskId == "b")
            {
                bFoundItsWork.Enqueue(File.Exists(Path.Combine(inv.Workdir!, "started.txt")));
            }

            return System.Threading.Tasks.Task.CompletedTask;
        });
        await using var resumed = Fixture(store, Temporary("writer", "writers"));
        await resumed.Engine.ResumeAsync(resumedChain);

        // Removed before ResumeAsync returns, so before any attempt of the resumed workflow started.
        Assert.False(Directory.Exists(aWorkdir));
        Assert.False(Directory.Exists(dir.PathOf($"root/.agentmanager/mcp/{WorkflowId}/a")));
        Assert.False(Directory.Exists(dir.PathOf($"root/.agentmanager/mcp/{WorkflowId}/b/attempt-1")));
        var summary = await resumed.Engine.WaitForCompletionAsync(WorkflowId).WaitAsync(Patience);
        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal([true], bFoundItsWork); // b had not ended: its next attempt works where the interrupted one did
        await UntilAsync(() => !Directory.Exists(dir.PathOf($"root/writers/{WorkflowId}/b")) && !Directory.Exists(dir.PathOf($"root/writers/{WorkflowId}/c")), "b's and c's workdirs to go");
        Assert.All(unrelated, path => Assert.True(File.Exists(path), $"{path} is not the workflow's and must stay"));
    }

    [Fact]
    public async Task Run_AttemptsUnderDifferentAgents_RemoveEveryTemporaryDirectoryTheTaskUsed()
    {
        var used = new ConcurrentQueue<string>();
        var task = Task("a");
        task.MaxAttempts = 1;
        var workflow = Workflow(
            Agent((inv, _) =>
            {
                used.Enqueue(inv.Workdir!);
                File.WriteAllText(Path.Combine(inv.Workdir!, "work.txt"), inv.AgentId);
                return ValueTask.FromResult(inv.AgentId == "writer" ? AgentResult.Failure("not yet") : AgentResult.Success());
            }),
            task);
        workflow.WorkRoot = Root;
        workflow.Agents["writer"] = workflow.Agents["agent"];
        workflow.Agents["fixer"] = workflow.Agents["agent"];
        workflow.DefaultAgentId = "writer";
        workflow.Repair = new RepairPolicy { UseRepairAgent = true, RepairAgentId = "fixer" };
        await using var fixture = Fixture(new InMemoryStateStore(), Temporary("writer", "writers"), Temporary("fixer", "fixers"));

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(
            [Path.Combine(Root, "writers", summary.WorkflowId, "a"), Path.Combine(Root, "fixers", summary.WorkflowId, "a")],
            used.ToArray());
        foreach (var workdir in used)
        {
            await UntilAsync(() => !Directory.Exists(workdir), $"{workdir} to go with the task");
        }
    }
}

using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Workflows;

namespace AgentManager.Tests.Workflows;

/// <summary>The repair ladder with real process agents and command verifications.</summary>
public sealed class ProcessLadderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "agentmanager-ladder-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static ProcessAgentRunner Shell(string script) => new(Execution.TestAgents.Script(script));

    /// <summary>A writer whose work never passes the check, and a repair agent that reads the failure from its
    /// environment and fixes the file.</summary>
    private WorkflowDefinition BrokenWriter(RepairPolicy policy)
    {
        var workflow = new WorkflowDefinition { WorkRoot = _root, DefaultAgentId = "writer", Repair = policy };
        workflow.Agents["writer"] = Shell("echo draft > report.txt");
        workflow.Agents["supervisor"] = Shell("echo \"$AGENTMANAGER_PREVIOUS_ERROR\" > seen-error.txt; echo final > report.txt");
        workflow.Tasks.Add(new TaskDefinition("report") { Workdir = "r", MaxAttempts = 2, Verifier = CommandVerifier.Parse("grep -q final report.txt") });
        workflow.Agents["publisher"] = Shell("cp report.txt published.txt");
        workflow.Tasks.Add(new TaskDefinition("publish") { AgentId = "publisher", Workdir = "r", Dependencies = { "report" }, Verifier = CommandVerifier.Parse("grep -q final published.txt") });
        return workflow;
    }

    [Fact]
    public async Task Run_FailingVerification_IsFixedByTheRepairAgent()
    {
        await using var fixture = new EngineFixture();

        var summary = await fixture.RunAsync(BrokenWriter(new RepairPolicy { UseRepairAgent = true }));

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        var report = summary.Tasks[0];
        Assert.Equal((3, RepairLevel.Repair, "supervisor"), (report.Attempts, report.Level, report.CurrentAgentId));
        Assert.Equal("final\n", File.ReadAllText(Path.Combine(_root, "r", "published.txt")));
        Assert.StartsWith("Verification 'grep -q final report.txt' exited with code 1", File.ReadAllText(Path.Combine(_root, "r", "seen-error.txt")), StringComparison.Ordinal);
        var transitions = await fixture.Engine.GetTransitionsAsync(summary.WorkflowId, "report");
        Assert.Equal(2, transitions.Count(t => t.Trigger == TaskTrigger.AttemptFailed && t.From == TaskState.Verifying));
        Assert.Contains(transitions, t => t.Trigger == TaskTrigger.Retry && t.Reason!.StartsWith("L2 repair: agent 'supervisor' takes over", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_EveryAgentFails_EndsBlocked_ThenAHumanCompletesItThroughTheInbox()
    {
        var workflow = BrokenWriter(new RepairPolicy { UseRepairAgent = true, BlockForHuman = true });
        workflow.Agents["supervisor"] = Shell("echo 'cannot fix this' >&2; exit 3");
        await using var fixture = new EngineFixture();
        var id = await fixture.Engine.CreateAsync(workflow);
        await fixture.Engine.StartAsync(id);
        await LadderKit.WaitForTaskAsync(fixture.Engine, id, "report", TaskState.BlockedHitl);

        var blocked = Assert.Single(await fixture.Inbox.ListAsync(id));
        Assert.Equal(3, blocked.Attempts);
        Assert.Contains("exited with code 3: cannot fix this", blocked.LastError, StringComparison.Ordinal);
        Assert.Equal(TaskState.Pending, (await fixture.Engine.GetSummaryAsync(id)).Tasks[1].State);
        File.WriteAllText(Path.Combine(_root, "r", "report.txt"), "final, written by a person\n");
        await fixture.Inbox.DecideAsync(new AgentManager.Inbox.HumanDecision
        {
            WorkflowId = id,
            TaskId = "report",
            Action = AgentManager.Inbox.HumanAction.Complete,
            Actor = "alice",
            Reason = "wrote the report by hand",
        });
        var summary = await fixture.Engine.WaitForCompletionAsync(id).WaitAsync(LadderKit.Patience);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal("final, written by a person\n", File.ReadAllText(Path.Combine(_root, "r", "published.txt")));
    }

    [Fact]
    public async Task Run_WithoutTheLadder_TheSameTaskFails()
    {
        await using var fixture = new EngineFixture();

        var summary = await fixture.RunAsync(BrokenWriter(new RepairPolicy()));

        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        Assert.Equal((TaskState.Failed, TaskState.Cancelled), (summary.Tasks[0].State, summary.Tasks[1].State));
        Assert.False(File.Exists(Path.Combine(_root, "r", "seen-error.txt")));
    }
}

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

    private static ProcessAgentRunner Shell(string script)
    {
        var options = new ProcessAgentOptions();
        options.Command.Add("sh");
        options.Command.Add("-c");
        options.Command.Add(script);
        return new ProcessAgentRunner(options);
    }

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
    public async Task Run_WithoutTheLadder_TheSameTaskFails()
    {
        await using var fixture = new EngineFixture();

        var summary = await fixture.RunAsync(BrokenWriter(new RepairPolicy()));

        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        Assert.Equal((TaskState.Failed, TaskState.Cancelled), (summary.Tasks[0].State, summary.Tasks[1].State));
        Assert.False(File.Exists(Path.Combine(_root, "r", "seen-error.txt")));
    }
}

using Microsoft.Extensions.DependencyInjection;
using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Workflows;

namespace AgentManager.Tests.Workflows;

/// <summary>End-to-end runs with real process agents and command verifications.</summary>
public sealed class ProcessWorkflowTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "agentmanager-process-tests", Guid.NewGuid().ToString("N"));

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

    private WorkflowDefinition Workflow()
    {
        var workflow = new WorkflowDefinition { WorkRoot = _root, DefaultAgentId = "writer" };
        workflow.Agents["writer"] = Shell("cat > out.txt");
        return workflow;
    }

    [Fact]
    public async Task Run_ProcessAgentsWithVerification_WriteTheirFilesInTheirWorkdirs()
    {
        var workflow = Workflow();
        workflow.Agents["joiner"] = Shell("cat a/out.txt b/out.txt > joined.txt");
        workflow.Tasks.Add(new TaskDefinition("a") { Prompt = "alpha", Workdir = "a", Verifier = CommandVerifier.Parse("grep -q alpha out.txt") });
        workflow.Tasks.Add(new TaskDefinition("b") { Prompt = "beta", Workdir = "b", Verifier = CommandVerifier.Parse("test -s out.txt") });
        var join = new TaskDefinition("join") { AgentId = "joiner", Workdir = ".", Verifier = CommandVerifier.Parse("grep -q beta joined.txt"), Dependencies = { "a", "b" } };
        workflow.Tasks.Add(join);
        await using var fixture = new EngineFixture();

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal("alphabeta", File.ReadAllText(Path.Combine(_root, "joined.txt")));
    }

    [Fact]
    public async Task Run_ProcessesSharingAWorkdir_RunOneAtATime()
    {
        var workflow = Workflow();
        workflow.Agents["logger"] = Shell("echo \"start $AGENTMANAGER_TASK_ID\" >> log.txt; sleep 0.1; echo \"end $AGENTMANAGER_TASK_ID\" >> log.txt");
        for (var i = 0; i < 4; i++)
        {
            workflow.Tasks.Add(new TaskDefinition($"t{i}") { AgentId = "logger", Workdir = "shared" });
        }

        await using var fixture = new EngineFixture(o => o.MaxConcurrency = 4);
        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        var lines = File.ReadAllLines(Path.Combine(_root, "shared", "log.txt"));
        Assert.Equal(8, lines.Length);
        for (var i = 0; i < lines.Length; i += 2)
        {
            Assert.StartsWith("start ", lines[i], StringComparison.Ordinal);
            Assert.Equal("end " + lines[i]["start ".Length..], lines[i + 1]);
        }
    }

    [Fact]
    public async Task Run_EachAttempt_IsCheckpointedWithOutputsAndDeclaredArtifacts()
    {
        var workflow = Workflow();
        workflow.Agents["reporter"] = Shell("echo report-body > report.txt; echo done");
        var task = new TaskDefinition("report") { AgentId = "reporter", Workdir = "r", Verifier = CommandVerifier.Parse("grep -q report-body report.txt") };
        task.Artifacts.Add("report.txt");
        task.Artifacts.Add("absent.txt");
        workflow.Tasks.Add(task);
        var checkpointRoot = Path.Combine(_root, "checkpoints");
        await using var fixture = new EngineFixture(agents: b => b.UseFileCheckpoints(o => o.RootDirectory = checkpointRoot));

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        var store = new AgentManager.Persistence.Checkpoints.FileCheckpointStore(new() { RootDirectory = checkpointRoot }, TimeProvider.System);
        var checkpoint = Assert.Single(await store.ListAsync(summary.WorkflowId, "report", CancellationToken.None));
        Assert.Equal(1, checkpoint.Attempt);
        Assert.Equal("succeeded", checkpoint.Metadata["outcome"]);
        using (var reader = new StreamReader(await store.OpenContentAsync(checkpoint, "agent-output", CancellationToken.None)))
        {
            Assert.Equal("done\n", await reader.ReadToEndAsync());
        }

        var artifact = checkpoint.FindEntry("artifacts/report.txt");
        Assert.NotNull(artifact);
        Assert.Equal("report-body\n".Length, artifact.Size);
        Assert.Equal(AgentManager.Persistence.Checkpoints.CheckpointEntryStatus.Missing, checkpoint.FindEntry("artifacts/absent.txt")!.Status);
    }

    [Fact]
    public async Task Create_ArtifactsWithoutWorkdirOrEscaping_AreRefused()
    {
        var workflow = Workflow();
        var noWorkdir = new TaskDefinition("a");
        noWorkdir.Artifacts.Add("x.txt");
        var escaping = new TaskDefinition("b") { Workdir = "b" };
        escaping.Artifacts.Add("../secret");
        workflow.Tasks.Add(noWorkdir);
        workflow.Tasks.Add(escaping);
        await using var fixture = new EngineFixture();

        var ex = await Assert.ThrowsAsync<WorkflowValidationException>(() => fixture.Engine.CreateAsync(workflow));

        Assert.Contains(ex.Errors, e => e.Contains("'a' declares artifacts but no workdir", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("'../secret' is refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_ProcessOverItsTimeout_IsKilledAndTheTaskFails()
    {
        var workflow = Workflow();
        workflow.Agents["sleeper"] = Shell("sleep 60");
        workflow.Tasks.Add(new TaskDefinition("sleepy") { AgentId = "sleeper", Timeout = TimeSpan.FromMilliseconds(300), MaxAttempts = 1 });
        workflow.Tasks.Add(new TaskDefinition("after") { Dependencies = { "sleepy" } });
        await using var fixture = new EngineFixture();

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        var byId = summary.Tasks.ToDictionary(t => t.TaskId);
        Assert.Contains("timed out", byId["sleepy"].LastError, StringComparison.Ordinal);
        Assert.Equal(TaskState.Cancelled, byId["after"].State);
    }

    [Fact]
    public async Task Run_VerificationThatPassesOnTheSecondAttempt_SeesThePreviousErrorInTheEnvironment()
    {
        var workflow = Workflow();
        workflow.Agents["learner"] = Shell("if [ -n \"$AGENTMANAGER_PREVIOUS_ERROR\" ]; then echo fixed > out.txt; else echo broken > out.txt; fi");
        workflow.Tasks.Add(new TaskDefinition("fix") { AgentId = "learner", Workdir = "fix", MaxAttempts = 2, Verifier = CommandVerifier.Parse("grep -q fixed out.txt") });
        await using var fixture = new EngineFixture();

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(2, summary.Tasks[0].Attempts);
    }

    [Fact]
    public async Task Run_FailingVerificationEverytime_FailsWithTheVerifierOutput()
    {
        var workflow = Workflow();
        workflow.Tasks.Add(new TaskDefinition("never") { Prompt = "x", Workdir = "never", MaxAttempts = 2, Verifier = CommandVerifier.Parse("grep -q impossible out.txt") });
        await using var fixture = new EngineFixture();

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        Assert.Contains("grep", summary.Tasks[0].LastError, StringComparison.Ordinal);
        Assert.Equal(2, summary.Tasks[0].Attempts);
    }
}

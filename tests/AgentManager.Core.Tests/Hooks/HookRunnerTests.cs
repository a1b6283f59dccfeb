using System.Globalization;
using AgentManager.Events;
using AgentManager.Hooks;
using AgentManager.Tests.Agents;
using AgentManager.Tests.Execution;
using Microsoft.Extensions.Time.Testing;
using static AgentManager.Tests.Hooks.HookTestKit;

namespace AgentManager.Tests.Hooks;

[Collection(SerialExecution.Name)]
public sealed class HookRunnerTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task RunAsync_ExitZero_SucceedsAndPublishesHookSucceededWithOutputTail()
    {
        await using var harness = new HookHarness(Sh("notify", HookPoint.AfterWorkflowRun, "echo done; echo warn >&2"));

        var result = await harness.RunAsync(HookPoint.AfterWorkflowRun);

        Assert.False(result.Blocked);
        Assert.Null(result.Reason);
        var outcome = Assert.Single(result.Outcomes);
        Assert.True(outcome.Succeeded);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("done\nwarn", outcome.OutputTail);
        Assert.Null(outcome.Error);
        var @event = Assert.IsType<HookEvent>(Assert.Single(await harness.Events.DeliveredAsync()));
        Assert.Equal(EventTypes.HookSucceeded, @event.Type);
        Assert.Equal("wf-1", @event.WorkflowId);
        Assert.Equal("notify", @event.HookName);
        Assert.Equal(HookPoint.AfterWorkflowRun, @event.Point);
        Assert.Equal(0, @event.ExitCode);
        Assert.Equal("done\nwarn", @event.OutputTail);
        Assert.Null(@event.Reason);
        Assert.False(@event.TimedOut);
    }

    [Theory]
    [InlineData(HookPoint.BeforeTaskPlanConfirm)]
    [InlineData(HookPoint.BeforeWorkflowRun)]
    public async Task RunAsync_BeforePointNonZeroExit_BlocksWithReasonAndSkipsLaterHooks(HookPoint point)
    {
        var later = dir.PathOf("later-ran");
        await using var harness = new HookHarness(
            Sh("gate", point, "echo checking; echo 'policy says no' >&2; exit 3"),
            Sh("later", point, $"touch '{later}'"));

        var result = await harness.RunAsync(point);

        Assert.True(result.Blocked);
        var outcome = Assert.Single(result.Outcomes);
        Assert.Same(outcome, result.BlockedBy);
        Assert.False(outcome.Succeeded);
        Assert.Equal(3, outcome.ExitCode);
        Assert.Equal($"Hook 'gate' ({point.ToWireName()}) exited with code 3: checking\npolicy says no", result.Reason);
        Assert.False(File.Exists(later));
        var @event = Assert.IsType<HookEvent>(Assert.Single(await harness.Events.DeliveredAsync()));
        Assert.Equal(EventTypes.HookFailed, @event.Type);
        Assert.Equal(3, @event.ExitCode);
        Assert.Equal("checking\npolicy says no", @event.OutputTail);
        Assert.Equal(result.Reason, @event.Reason);
        Assert.False(@event.AllowFailure);
    }

    [Fact]
    public async Task RunAsync_BeforePointFailureWithAllowFailure_DoesNotBlockAndRunsTheNextHook()
    {
        await using var harness = new HookHarness(
            Sh("lenient", HookPoint.BeforeTaskPlanConfirm, "exit 1", allowFailure: true),
            Sh("next", HookPoint.BeforeTaskPlanConfirm, "exit 0"));

        var result = await harness.RunAsync(HookPoint.BeforeTaskPlanConfirm);

        Assert.False(result.Blocked);
        Assert.Equal(["lenient", "next"], result.Outcomes.Select(outcome => outcome.HookName));
        Assert.False(result.Outcomes[0].Succeeded);
        Assert.True(result.Outcomes[0].AllowFailure);
        Assert.True(result.Outcomes[1].Succeeded);
        var events = (await harness.Events.DeliveredAsync()).Cast<HookEvent>().ToList();
        Assert.Equal([EventTypes.HookFailed, EventTypes.HookSucceeded], events.Select(e => e.Type));
        Assert.True(events[0].AllowFailure);
    }

    [Theory]
    [InlineData(HookPoint.AfterTaskPlanConfirm)]
    [InlineData(HookPoint.AfterWorkflowRun)]
    [InlineData(HookPoint.TaskFailed)]
    [InlineData(HookPoint.TaskBlocked)]
    public async Task RunAsync_NonBlockingPointFailure_NeverBlocksAndRunsEveryHook(HookPoint point)
    {
        await using var harness = new HookHarness(
            Sh("first", point, "exit 2"),
            Sh("second", point, "exit 0"));

        var result = await harness.RunAsync(point);

        Assert.False(result.Blocked);
        Assert.Null(result.BlockedBy);
        Assert.Equal([false, true], result.Outcomes.Select(outcome => outcome.Succeeded));
        Assert.Equal(2, (await harness.Events.DeliveredAsync()).Count);
    }

    [Fact]
    public async Task RunAsync_OnlyHooksOfThePointRun_InConfiguredOrder()
    {
        var log = dir.PathOf("order.log");
        await using var harness = new HookHarness(
            Sh("one", HookPoint.TaskFailed, $"echo one >> '{log}'"),
            Sh("other-point", HookPoint.TaskBlocked, $"echo other >> '{log}'"),
            Sh("two", HookPoint.TaskFailed, $"echo two >> '{log}'"));

        var result = await harness.RunAsync(HookPoint.TaskFailed);

        Assert.Equal(["one", "two"], result.Outcomes.Select(outcome => outcome.HookName));
        Assert.Equal("one\ntwo\n", await File.ReadAllTextAsync(log));
    }

    [Fact]
    public async Task RunAsync_Timeout_KillsTheProcessTreeAndFails()
    {
        var time = new FakeTimeProvider();
        var shellPid = dir.PathOf("sh.pid");
        var childPid = dir.PathOf("child.pid");
        var hook = Sh("slow", HookPoint.BeforeWorkflowRun, $"sleep 60 & echo $! > '{childPid}'; echo $$ > '{shellPid}.tmp'; mv '{shellPid}.tmp' '{shellPid}'; wait", timeout: TimeSpan.FromSeconds(5));
        await using var harness = new HookHarness(HookHarness.Enabled(hook), time);

        var run = harness.RunAsync(HookPoint.BeforeWorkflowRun).AsTask();
        await Poll.UntilAsync(() => File.Exists(shellPid), "the hook to start");
        var pids = new[] { shellPid, childPid }.Select(path => int.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture)).ToList();
        Assert.False(run.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5));
        var result = await run.WaitAsync(EventTestKitPatience);

        Assert.True(result.Blocked);
        var outcome = Assert.Single(result.Outcomes);
        Assert.True(outcome.TimedOut);
        Assert.Null(outcome.ExitCode);
        Assert.Equal(TimeSpan.FromSeconds(5), outcome.Duration);
        Assert.Equal("Hook 'slow' (before_workflow_run) timed out after 5 s; its process tree was killed.", outcome.Error);
        foreach (var pid in pids)
        {
            await Poll.UntilAsync(() => !Poll.IsAlive(pid), $"process {pid} to be killed");
        }

        var @event = Assert.IsType<HookEvent>(Assert.Single(await harness.Events.DeliveredAsync()));
        Assert.Equal(EventTypes.HookFailed, @event.Type);
        Assert.True(@event.TimedOut);
        Assert.Null(@event.ExitCode);
        Assert.Equal(TimeSpan.FromSeconds(5), @event.Duration);
    }

    [Fact]
    public async Task RunAsync_CallerCancels_KillsTheHookAndThrows()
    {
        var pidFile = dir.PathOf("sh.pid");
        await using var harness = new HookHarness(Sh("slow", HookPoint.TaskFailed, $"echo $$ > '{pidFile}.tmp'; mv '{pidFile}.tmp' '{pidFile}'; exec sleep 60"));
        using var cancel = new CancellationTokenSource();

        var run = harness.RunAsync(HookPoint.TaskFailed, cancellationToken: cancel.Token).AsTask();
        await Poll.UntilAsync(() => File.Exists(pidFile), "the hook to start");
        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.False(Poll.IsAlive(pid));
        Assert.Equal(0, harness.Events.Bus.PublishedCount);
    }

    [Fact]
    public async Task RunAsync_Context_PassesSanitizedVariablesAndTheReservedOnes()
    {
        var options = HookHarness.Enabled(
            Sh(
                "env",
                HookPoint.BeforeTaskPlanConfirm,
                "printf '%s|%s|%s|%s|%s|%s|%s|%s' \"$AGENTMANAGER_HOOK_POINT\" \"$AGENTMANAGER_HOOK_NAME\" \"$AGENTMANAGER_WORKFLOW_ID\" " +
                "\"$AGENTMANAGER_PLAN_ID\" \"$AGENTMANAGER_ODD_KEY__\" \"${#AGENTMANAGER_LONG}\" \"$EXTRA\" \"$AGENTMANAGER_UNICOD_\"",
                environment: new Dictionary<string, string> { ["EXTRA"] = "from-definition" }));
        options.MaxContextValueChars = 10;
        await using var harness = new HookHarness(options);
        var context = new Dictionary<string, string>
        {
            ["plan-id"] = "p1",
            ["odd key!?"] = "line1\nline2\0\ttab\u001b[0m",
            ["long"] = new string('x', 500),
            ["hook_point"] = "spoofed",
            ["unicodé"] = "ok",
        };

        var result = await harness.RunAsync(HookPoint.BeforeTaskPlanConfirm, context);

        var outcome = Assert.Single(result.Outcomes);
        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("before_task_plan_confirm|env|wf-1|p1|line1line2|10|from-definition|ok", outcome.OutputTail);
    }

    [Fact]
    public async Task RunAsync_GlobalSwitchOff_RunsNothingAndPublishesNothing()
    {
        var marker = dir.PathOf("ran");
        var options = HookHarness.Enabled(Sh("never", HookPoint.BeforeTaskPlanConfirm, $"touch '{marker}'; exit 1"));
        options.Enabled = false;
        await using var harness = new HookHarness(options);

        var result = await harness.RunAsync(HookPoint.BeforeTaskPlanConfirm);

        Assert.False(result.Blocked);
        Assert.Empty(result.Outcomes);
        Assert.Empty(harness.Runner.Hooks);
        Assert.False(File.Exists(marker));
        Assert.Equal(0, harness.Events.Bus.PublishedCount);
    }

    [Fact]
    public async Task RunAsync_HookDisabled_IsSkipped()
    {
        var marker = dir.PathOf("ran");
        await using var harness = new HookHarness(Sh("off", HookPoint.TaskBlocked, $"touch '{marker}'", enabled: false));

        var result = await harness.RunAsync(HookPoint.TaskBlocked);

        Assert.Empty(result.Outcomes);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task RunAsync_ProgramNotFound_FailsNamingTheProgram()
    {
        await using var harness = new HookHarness(new HookDefinition
        {
            Name = "missing",
            Point = HookPoint.BeforeWorkflowRun,
            Command = ["agentmanager-no-such-program", "--flag"],
        });

        var result = await harness.RunAsync(HookPoint.BeforeWorkflowRun);

        Assert.True(result.Blocked);
        Assert.Null(result.BlockedBy!.ExitCode);
        Assert.StartsWith("Hook 'missing' (before_workflow_run) could not start program 'agentmanager-no-such-program': ", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WorkingDirectory_RunsThere()
    {
        await using var harness = new HookHarness(Sh("where", HookPoint.TaskFailed, "pwd", workingDirectory: dir.Path));

        var result = await harness.RunAsync(HookPoint.TaskFailed);

        Assert.Equal(Path.GetFullPath(dir.Path), Assert.Single(result.Outcomes).OutputTail);
    }

    [Fact]
    public async Task Constructor_HooksFileInConfigDirectory_RunsItsHooksAfterTheOptionsHooksInTheFilesDirectory()
    {
        dir.Write(HooksFile.FileName, """
            { "hooks": [ { "name": "from-file", "point": "task_failed", "command": ["/bin/sh", "-c", "echo file >> order.log"] } ] }
            """);
        var options = HookHarness.Enabled(Sh("from-options", HookPoint.TaskFailed, $"echo options >> '{dir.PathOf("order.log")}'"));
        options.ConfigDirectory = dir.Path;
        await using var harness = new HookHarness(options);

        var result = await harness.RunAsync(HookPoint.TaskFailed);

        Assert.Equal(["from-options", "from-file"], result.Outcomes.Select(outcome => outcome.HookName));
        Assert.Equal("options\nfile\n", await File.ReadAllTextAsync(dir.PathOf("order.log")));
    }

    [Fact]
    public void Constructor_InvalidHooks_ThrowsListingEveryProblem()
    {
        var options = HookHarness.Enabled(
            new HookDefinition { Name = "bad name", Point = HookPoint.TaskFailed, Command = [] },
            Sh("dup", HookPoint.TaskFailed, "true", timeout: TimeSpan.Zero),
            Sh("dup", HookPoint.TaskFailed, "true"));

        var exception = Assert.Throws<HookConfigurationException>(() => new HookHarness(options));

        Assert.Equal(
            [
                "HookOptions.Hooks[0].name: 'bad name' is not a valid id: ids are 1 to 200 characters matching ^[A-Za-z0-9_.:-]+$.",
                "HookOptions.Hooks[0].command: must be a non-empty argument vector whose first element names the program (no shell is used)",
                "HookOptions.Hooks[1].timeout_seconds: 0 is out of range; it must be above 0 and at most 86400",
                "HookOptions.Hooks[2].name: 'dup' is already the name of HookOptions.Hooks[1]; hook names must be unique",
            ],
            exception.Errors);
    }

    [Fact]
    public async Task RunAsync_ArgValidation()
    {
        await using var harness = new HookHarness(Sh("any", HookPoint.TaskFailed, "true"));

        await Assert.ThrowsAsync<ArgumentNullException>(() => harness.Runner.RunAsync(HookPoint.TaskFailed, "wf-1", null!, CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => harness.Runner.RunAsync(HookPoint.TaskFailed, "bad id", NoContext(), CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => harness.Runner.RunAsync((HookPoint)42, "wf-1", NoContext(), CancellationToken.None).AsTask());
    }

    private static readonly TimeSpan EventTestKitPatience = AgentManager.Tests.Events.EventTestKit.Patience;
}

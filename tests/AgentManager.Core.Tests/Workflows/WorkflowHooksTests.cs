using System.Collections.Concurrent;
using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Hooks;
using AgentManager.Lifecycle;
using AgentManager.Tests.Agents;
using AgentManager.Tests.Execution;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;
using static AgentManager.Tests.Hooks.HookTestKit;
using static AgentManager.Tests.Workflows.EngineFixture;

namespace AgentManager.Tests.Workflows;

/// <summary>The engine runs the workflow hook points with real process hooks.</summary>
public sealed class WorkflowHooksTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static EngineFixture Fixture(IServiceProvider[] services, bool enabled = true, params HookDefinition[] hooks) =>
        new(agents: b => b.Services.Configure<HookOptions>(o =>
        {
            o.Enabled = enabled;
            foreach (var hook in hooks)
            {
                o.Hooks.Add(hook);
            }
        }), capture: sp => services[0] = sp);

    private static HookRecorder Record(EngineFixture fixture) => new(fixture.Bus);

    private static WorkflowDefinition TwoTasks(string id)
    {
        var workflow = Workflow(NoOp, Task("a"), Task("b", "a"));
        workflow.Id = id;
        workflow.Metadata["plan_id"] = "plan-7";
        return workflow;
    }

    /// <summary>A start another engine asked for runs the holder's hooks; one that refuses leaves the workflow created,
    /// and that request is not tried again at later polls, while a new request is.</summary>
    [Fact]
    public async Task StartRequestedByAnotherEngine_BeforeHookFails_StaysCreatedAndOnlyANewRequestIsTriedAgain()
    {
        var services = new IServiceProvider[1];
        var store = new AgentManager.Persistence.InMemoryStateStore();
        await using var holder = new EngineFixture(
            o => o.InboxPollInterval = TimeSpan.FromMilliseconds(50),
            agents: b => b.Services.Configure<HookOptions>(o =>
            {
                o.Enabled = true;
                o.Hooks.Add(Sh("gate", HookPoint.BeforeWorkflowRun, "echo not now >&2; exit 4"));
            }),
            store: store,
            capture: sp => services[0] = sp);
        await using var other = new EngineFixture(store: store);
        var hooks = Record(holder);
        var id = await holder.Engine.CreateAsync(TwoTasks("remote-wf"));

        await other.Engine.StartAsync(id);
        await hooks.WaitForAsync(e => e.Type == EventTypes.HookFailed);
        await System.Threading.Tasks.Task.Delay(TimeSpan.FromMilliseconds(500)); // about ten more polls
        var triedOnce = hooks.All.Count(e => e.Type == EventTypes.HookFailed);
        await System.Threading.Tasks.Task.Delay(TimeSpan.FromMilliseconds(20)); // a later request time
        await other.Engine.StartAsync(id);
        await LadderKit.UntilAsync(() => hooks.All.Count(e => e.Type == EventTypes.HookFailed) == 2, "the new request's try");

        Assert.Equal(1, triedOnce);
        Assert.Equal(WorkflowStatus.Created, (await holder.Engine.GetSummaryAsync(id)).Status);
        Assert.Empty(await holder.Engine.GetTransitionsAsync(id));
    }

    [Fact]
    public async Task StartAsync_BeforeHookFails_WorkflowStaysCreatedAndTheHookIsNamed()
    {
        var services = new IServiceProvider[1];
        await using var fixture = Fixture(services, hooks: Sh("gate", HookPoint.BeforeWorkflowRun, "echo policy says no >&2; exit 4"));
        var hooks = Record(fixture);
        var id = await fixture.Engine.CreateAsync(TwoTasks("blocked-wf"));

        var error = await Assert.ThrowsAsync<WorkflowStartBlockedException>(() => fixture.Engine.StartAsync(id));

        Assert.Equal(("blocked-wf", "gate"), (error.WorkflowId, error.HookName));
        Assert.Contains("exited with code 4: policy says no", error.Reason, StringComparison.Ordinal);
        Assert.StartsWith("Workflow 'blocked-wf' was not started: Hook 'gate' (before_workflow_run)", error.Message, StringComparison.Ordinal);
        Assert.Equal(WorkflowStatus.Created, (await fixture.Engine.GetSummaryAsync(id)).Status);
        Assert.Empty(await fixture.Engine.GetTransitionsAsync(id));
        var failed = await hooks.WaitForAsync(e => e.Type == EventTypes.HookFailed);
        Assert.Equal(("blocked-wf", HookPoint.BeforeWorkflowRun, 4), (failed.WorkflowId, failed.Point, failed.ExitCode));
        Assert.Contains("policy says no", failed.OutputTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_BeforeHookFailsButAllowsFailure_Runs()
    {
        var services = new IServiceProvider[1];
        await using var fixture = Fixture(services, hooks: Sh("advisory", HookPoint.BeforeWorkflowRun, "exit 1", allowFailure: true));
        var hooks = Record(fixture);

        var summary = await fixture.RunAsync(TwoTasks("advised-wf"));

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        var failed = await hooks.WaitForAsync(e => e.Type == EventTypes.HookFailed);
        Assert.True(failed.AllowFailure);
    }

    [Fact]
    public async Task StartAsync_BeforeHookTimesOut_BlocksNamingTheTimeout()
    {
        var services = new IServiceProvider[1];
        await using var fixture = Fixture(services, hooks: Sh("stuck", HookPoint.BeforeWorkflowRun, "sleep 30", timeout: TimeSpan.FromMilliseconds(300)));
        var id = await fixture.Engine.CreateAsync(TwoTasks("timed-out-wf"));

        var error = await Assert.ThrowsAsync<WorkflowStartBlockedException>(() => fixture.Engine.StartAsync(id));

        Assert.True(error.Hooks.BlockedBy!.TimedOut);
        Assert.Contains("timed out after 0.3 s", error.Reason, StringComparison.Ordinal);
        Assert.Equal(WorkflowStatus.Created, (await fixture.Engine.GetSummaryAsync(id)).Status);
    }

    [Fact]
    public async Task StartAsync_BeforeHookSucceeds_GetsTheWorkflowContextAndTheWorkflowRuns()
    {
        var output = dir.PathOf("before.txt");
        var services = new IServiceProvider[1];
        await using var fixture = Fixture(services, hooks: Sh(
            "describe",
            HookPoint.BeforeWorkflowRun,
            $"echo \"$AGENTMANAGER_WORKFLOW_ID|$AGENTMANAGER_TASK_COUNT|$AGENTMANAGER_TASK_IDS|$AGENTMANAGER_PLAN_ID|$AGENTMANAGER_HOOK_POINT\" > '{output}'"));

        var summary = await fixture.RunAsync(TwoTasks("described-wf"));

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal("described-wf|2|a,b|plan-7|before_workflow_run", File.ReadAllText(output).Trim());
    }

    [Fact]
    public async Task StartAsync_CancelledWhileTheBeforeHookRuns_KillsItAndLeavesTheWorkflowCreated()
    {
        var started = dir.PathOf("started");
        var services = new IServiceProvider[1];
        await using var fixture = Fixture(services, hooks: Sh("slow-gate", HookPoint.BeforeWorkflowRun, $"touch '{started}'; sleep 30"));
        var id = await fixture.Engine.CreateAsync(TwoTasks("cancelled-start"));
        using var cancel = new CancellationTokenSource();

        var start = fixture.Engine.StartAsync(id, cancel.Token);
        await Poll.UntilAsync(() => File.Exists(started), "the hook to start");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
        Assert.Equal(WorkflowStatus.Created, (await fixture.Engine.GetSummaryAsync(id)).Status);
    }

    [Fact]
    public async Task StartAsync_HooksSwitchedOff_RunsNoHook()
    {
        var services = new IServiceProvider[1];
        await using var fixture = Fixture(services, enabled: false, Sh("gate", HookPoint.BeforeWorkflowRun, "exit 1"));
        var hooks = Record(fixture);

        var summary = await fixture.RunAsync(TwoTasks("unhooked-wf"));

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Empty(hooks.All);
    }

    [Theory]
    [InlineData(false, "completed")]
    [InlineData(true, "failed")]
    public async Task AfterWorkflowRun_RunsWithTheOutcome(bool fail, string status)
    {
        var output = dir.PathOf("after.txt");
        var services = new IServiceProvider[1];
        await using var fixture = Fixture(services, hooks: Sh(
            "report",
            HookPoint.AfterWorkflowRun,
            $"echo \"$AGENTMANAGER_WORKFLOW_ID|$AGENTMANAGER_STATUS|$AGENTMANAGER_REASON\" > '{output}'"));
        var hooks = Record(fixture);
        var agent = Agent((inv, _) => ValueTask.FromResult(fail && inv.TaskId == "b" ? AgentResult.Failure("broken") : AgentResult.Success()));
        var workflow = Workflow(agent, Task("a"), Task("b", "a"));
        workflow.Id = "after-" + status;
        workflow.Tasks[1].MaxAttempts = 1;

        var summary = await fixture.RunAsync(workflow);

        var ran = await hooks.WaitForAsync(e => e.Type == EventTypes.HookSucceeded);
        Assert.Equal(status, summary.Status.ToWireName());
        Assert.Equal((workflow.Id, HookPoint.AfterWorkflowRun), (ran.WorkflowId, ran.Point));
        var expected = fail ? $"{workflow.Id}|failed|1 task(s) failed: 'b'" : $"{workflow.Id}|completed|";
        Assert.Equal(expected, File.ReadAllText(output).Trim());
    }

    /// <summary>An event received from another node (an event transport sets its origin) runs no hook here: the node
    /// whose engine made the move runs them.</summary>
    [Fact]
    public async Task AnotherNodesEvent_RunsNoHookOnThisNode()
    {
        var services = new IServiceProvider[1];
        await using var fixture = new EngineFixture(
            agents: b => b.Services.Configure<HookOptions>(o =>
            {
                o.Enabled = true;
                o.MaxConcurrentRuns = 1; // one queue, in order: a hook of the remote event would run before local-2's
                o.Hooks.Add(Sh("report", HookPoint.AfterWorkflowRun, "exit 0"));
            }),
            capture: sp => services[0] = sp);
        var hooks = Record(fixture);
        await fixture.RunAsync(TwoTasks("local-1"));
        await hooks.WaitForAsync(e => e.WorkflowId == "local-1");

        await fixture.Bus.PublishAsync(new WorkflowEvent(EventTypes.WorkflowCompleted, "remote-wf", DateTimeOffset.UnixEpoch) { Origin = "node-b" });
        await fixture.RunAsync(TwoTasks("local-2"));

        await hooks.WaitForAsync(e => e.WorkflowId == "local-2");
        Assert.DoesNotContain(hooks.All, e => e.WorkflowId == "remote-wf");
    }

    [Fact]
    public async Task TaskFailed_RunsOncePerFailedTaskWithItsContext()
    {
        var output = dir.PathOf("failed.txt");
        var services = new IServiceProvider[1];
        await using var fixture = Fixture(services, hooks: Sh(
            "page",
            HookPoint.TaskFailed,
            $"echo \"$AGENTMANAGER_TASK_ID|$AGENTMANAGER_ATTEMPT|$AGENTMANAGER_TASK_STATE|$AGENTMANAGER_REASON\" >> '{output}'"));
        var hooks = Record(fixture);
        var workflow = Workflow(Agent((_, _) => ValueTask.FromResult(AgentResult.Failure("disk full"))), Task("a"), Task("b", "a"));
        workflow.Tasks[0].MaxAttempts = 2;

        var summary = await fixture.RunAsync(workflow);

        await hooks.WaitForAsync(e => e.Type == EventTypes.HookSucceeded);
        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        Assert.Equal(["a|2|failed|Failed after 2 attempt(s): disk full"], File.ReadAllLines(output));
    }

    [Fact]
    public async Task TaskBlocked_RunsWhenATaskIsBlockedForAHuman()
    {
        var output = dir.PathOf("blocked.txt");
        var services = new IServiceProvider[1];
        await using var fixture = Fixture(services, hooks: Sh("escalate", HookPoint.TaskBlocked, $"echo \"$AGENTMANAGER_TASK_ID|$AGENTMANAGER_REASON\" > '{output}'"));
        var hooks = Record(fixture);
        await services[0].GetRequiredService<WorkflowEngine>().StartAsync(CancellationToken.None);
        var transition = TaskLifecycle.Transition("wf-blocked", "t1", TaskState.BlockedRepair, TaskTrigger.Block, 3, DateTimeOffset.UnixEpoch, TaskLifecycle.EngineActor, "needs a human");

        await fixture.Bus.PublishAsync(transition);

        var ran = await hooks.WaitForAsync(e => e.Type == EventTypes.HookSucceeded);
        Assert.Equal(("wf-blocked", HookPoint.TaskBlocked), (ran.WorkflowId, ran.Point));
        Assert.Equal("t1|needs a human", File.ReadAllText(output).Trim());
    }

    [Fact]
    public async Task TaskFailed_SlowHook_DoesNotDelayOtherTasks()
    {
        var release = dir.PathOf("release");
        var done = dir.PathOf("done");
        var services = new IServiceProvider[1];
        await using var fixture = Fixture(services, hooks: Sh(
            "slow",
            HookPoint.TaskFailed,
            $"while [ ! -f '{release}' ]; do sleep 0.05; done; touch '{done}'"));
        var hooks = Record(fixture);
        var aFailed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var watch = fixture.Bus.Subscribe<TaskEvent>((e, _) =>
        {
            if (e.Type == EventTypes.TaskFailed)
            {
                aFailed.TrySetResult();
            }

            return ValueTask.CompletedTask;
        });
        var agent = Agent(async (inv, ct) =>
        {
            if (inv.TaskId == "a")
            {
                return AgentResult.Failure("boom");
            }

            // b starts only after a has failed, so the workflow can finish only if the engine goes on while the hook waits.
            await aFailed.Task.WaitAsync(ct);
            return AgentResult.Success();
        });
        var workflow = Workflow(agent, Task("a"), Task("b"), Task("c", "b"));
        workflow.Tasks[0].MaxAttempts = 1;

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        Assert.Equal(TaskState.Completed, summary.Tasks.Single(t => t.TaskId == "c").State);
        Assert.False(File.Exists(done));
        Assert.DoesNotContain(hooks.All, e => e.Point == HookPoint.TaskFailed);
        File.WriteAllText(release, "");
        var ran = await hooks.WaitForAsync(e => e.Point == HookPoint.TaskFailed);
        Assert.Equal(EventTypes.HookSucceeded, ran.Type);
        Assert.True(File.Exists(done));
    }

    [Fact]
    public async Task StopAsync_RunsTheHooksOfEventsAlreadyPublished()
    {
        var output = dir.PathOf("stopped.txt");
        var services = new IServiceProvider[1];
        await using var fixture = Fixture(services, hooks: Sh("last-words", HookPoint.AfterWorkflowRun, $"sleep 0.2; echo \"$AGENTMANAGER_STATUS\" > '{output}'"));
        var summary = await fixture.RunAsync(TwoTasks("stopping-wf"));

        await services[0].GetRequiredService<WorkflowEngine>().StopAsync(CancellationToken.None);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal("completed", File.ReadAllText(output).Trim());
    }

    /// <summary>Records every hook event of a bus.</summary>
    private sealed class HookRecorder
    {
        private readonly ConcurrentQueue<HookEvent> _events = new();

        public HookRecorder(IEventBus bus) =>
            bus.Subscribe<HookEvent>((e, _) =>
            {
                _events.Enqueue(e);
                return ValueTask.CompletedTask;
            });

        public IReadOnlyList<HookEvent> All => [.. _events];

        public async Task<HookEvent> WaitForAsync(Func<HookEvent, bool> match)
        {
            await Poll.UntilAsync(() => _events.Any(match), "a matching hook event");
            return _events.First(match);
        }
    }
}

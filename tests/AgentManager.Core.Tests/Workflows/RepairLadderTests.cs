using System.Collections.Concurrent;
using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static AgentManager.Tests.Workflows.EngineFixture;
using static AgentManager.Tests.Workflows.LadderKit;

namespace AgentManager.Tests.Workflows;

/// <summary>The repair ladder with delegate agents: L1 retries, L2 repair agent, L3 escalation agent, L4 block.</summary>
public sealed class RepairLadderTests
{
    private readonly ConcurrentQueue<AgentInvocation> _worker = new();
    private readonly ConcurrentQueue<AgentInvocation> _supervisor = new();
    private readonly ConcurrentQueue<AgentInvocation> _manager = new();

    private static WorkflowDefinition Ladder(IAgentRunner worker, IAgentRunner? supervisor, IAgentRunner? manager, RepairPolicy? policy, params TaskDefinition[] tasks)
    {
        var workflow = Workflow(worker, tasks.Length == 0 ? [Task("a")] : tasks);
        workflow.Id = "ladder";
        workflow.Repair = policy;
        if (supervisor is not null)
        {
            workflow.Agents["supervisor"] = supervisor;
        }

        if (manager is not null)
        {
            workflow.Agents["manager"] = manager;
        }

        return workflow;
    }

    [Fact]
    public async Task Run_DefaultPolicy_KeepsTodaysBehaviour_OnlyRetriesThenFails()
    {
        var task = Task("a");
        task.MaxAttempts = 2;
        var workflow = Ladder(Failing(_worker), Succeeding(_supervisor), Succeeding(_manager), policy: null, task);
        await using var fixture = new EngineFixture();

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        Assert.Equal((TaskState.Failed, 2, RepairLevel.Retry), (summary.Tasks[0].State, summary.Tasks[0].Attempts, summary.Tasks[0].Level));
        Assert.Equal("Failed after 2 attempt(s): compile error", summary.Tasks[0].LastError);
        Assert.Empty(_supervisor);
        Assert.Empty(_manager);
    }

    [Fact]
    public async Task Run_L2_RepairAgentGetsTheFailureAndFixesTheTask()
    {
        var task = Task("a");
        task.MaxAttempts = 2;
        var workflow = Ladder(Failing(_worker), Succeeding(_supervisor), null, new RepairPolicy { UseRepairAgent = true }, task);
        await using var fixture = new EngineFixture();
        var events = new ConcurrentQueue<AgentManagerEvent>();
        await using var recording = Record(fixture.Bus, "ladder", events);

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal((3, RepairLevel.Repair, "supervisor"), (summary.Tasks[0].Attempts, summary.Tasks[0].Level, summary.Tasks[0].CurrentAgentId));
        Assert.Equal([1, 2], _worker.Select(i => i.Attempt));
        var repair = Assert.Single(_supervisor);
        Assert.Equal(("supervisor", 3), (repair.AgentId, repair.Attempt));
        // The built-in supervisor profile shapes the repair agent's prompt around the task's own.
        Assert.StartsWith("# Agent: Supervisor", repair.Prompt, StringComparison.Ordinal);
        Assert.Contains("do a", repair.Prompt, StringComparison.Ordinal);
        Assert.Equal("compile error", repair.PreviousError);
        Assert.Equal("partial output", repair.PreviousOutput);
        Assert.Equal("repair", repair.Metadata["repair_level"]);
        Assert.Equal("agent", repair.Metadata["task_agent_id"]);
        Assert.DoesNotContain("repair_level", _worker.Last().Metadata.Keys);

        var handover = (await fixture.Engine.GetTransitionsAsync("ladder", "a")).Single(t => t.Trigger == TaskTrigger.Retry && t.Attempt == 2);
        Assert.Equal((TaskState.BlockedRepair, TaskState.Ready, TaskLifecycle.EngineActor), (handover.From, handover.To, handover.Actor));
        Assert.Equal("L2 repair: agent 'supervisor' takes over after 2 failed attempt(s): compile error", handover.Reason);
        await UntilAsync(() => events.Any(e => e.Type == EventTypes.WorkflowCompleted), "workflow_completed");
        var escalated = Assert.Single(events.OfType<TaskEscalatedEvent>());
        Assert.Equal(("a", RepairLevel.Repair, "supervisor", handover.Reason), (escalated.TaskId, escalated.Level, escalated.AgentId, escalated.Reason));
        var types = events.Select(e => e.Type).SkipWhile(t => t != EventTypes.TaskEscalated).Take(2);
        Assert.Equal([EventTypes.TaskEscalated, EventTypes.TaskRetrying], types);
    }

    [Fact]
    public async Task Run_L3_EscalationAgentTakesOverWhenTheRepairAgentFailsToo()
    {
        var task = Task("a");
        task.MaxAttempts = 1;
        var policy = new RepairPolicy { UseRepairAgent = true, RepairAttempts = 2, UseEscalation = true };
        var workflow = Ladder(Failing(_worker), Failing(_supervisor, "still broken"), Succeeding(_manager), policy, task);
        await using var fixture = new EngineFixture();

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal((4, RepairLevel.Escalation, "manager"), (summary.Tasks[0].Attempts, summary.Tasks[0].Level, summary.Tasks[0].CurrentAgentId));
        Assert.Equal([2, 3], _supervisor.Select(i => i.Attempt));
        var escalation = Assert.Single(_manager);
        Assert.Equal(("still broken", "escalation"), (escalation.PreviousError, escalation.Metadata["repair_level"]));
        var reasons = (await fixture.Engine.GetTransitionsAsync("ladder", "a")).Where(t => t.Trigger == TaskTrigger.Retry).Select(t => t.Reason!).ToArray();
        Assert.Equal(
            [
                "L2 repair: agent 'supervisor' takes over after 1 failed attempt(s): compile error",
                "L2 repair: attempt 2 of 2 by agent 'supervisor' after: still broken",
                "L3 escalation: agent 'manager' takes over after 3 failed attempt(s): still broken",
            ],
            reasons);
    }

    [Fact]
    public async Task Run_EveryLevelSpent_WithoutL4_FailsAndCancelsDependents()
    {
        var task = Task("a");
        task.MaxAttempts = 1;
        var policy = new RepairPolicy { UseRepairAgent = true, UseEscalation = true };
        var workflow = Ladder(Failing(_worker), Failing(_supervisor, "no idea"), Failing(_manager, "give up"), policy, task, Task("b", "a"));
        await using var fixture = new EngineFixture();

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        Assert.Equal((TaskState.Failed, 3), (summary.Tasks[0].State, summary.Tasks[0].Attempts));
        Assert.Equal("Failed after 3 attempt(s): give up", summary.Tasks[0].LastError);
        Assert.Equal(TaskState.Cancelled, summary.Tasks[1].State);
        Assert.DoesNotContain(_worker, i => i.TaskId == "b");
    }

    [Fact]
    public async Task Run_L4_BlocksOnlyTheTaskAndItsDependents_TheRestRunsAndTheWorkflowStaysRunning()
    {
        var task = Task("a");
        task.MaxAttempts = 1;
        var worker = Recording(_worker, i => i.TaskId == "a" ? AgentResult.Failure("tests fail") : AgentResult.Success());
        var workflow = Ladder(worker, null, null, new RepairPolicy { BlockForHuman = true }, task, Task("after-a", "a"), Task("independent"), Task("after-independent", "independent"));
        await using var fixture = new EngineFixture();
        var events = new ConcurrentQueue<AgentManagerEvent>();
        await using var recording = Record(fixture.Bus, "ladder", events);
        var id = await fixture.Engine.CreateAsync(workflow);
        await fixture.Engine.StartAsync(id);

        var blocked = await WaitForTaskAsync(fixture.Engine, id, "a", TaskState.BlockedHitl);
        await WaitForTaskAsync(fixture.Engine, id, "after-independent", TaskState.Completed);

        var summary = await fixture.Engine.GetSummaryAsync(id);
        Assert.Equal(WorkflowStatus.Running, summary.Status);
        Assert.Equal((1, 2), (summary.Blocked, summary.Completed));
        Assert.Equal(TaskState.Pending, summary.Tasks.Single(t => t.TaskId == "after-a").State);
        Assert.Equal((RepairLevel.Human, null, "tests fail"), (blocked.Level, blocked.CurrentAgentId, blocked.LastError));
        var block = (await fixture.Engine.GetTransitionsAsync(id, "a"))[^1];
        Assert.Equal((TaskTrigger.Block, TaskState.BlockedHitl), (block.Trigger, block.To));
        Assert.Equal("L4 human: blocked for a human after 1 failed attempt(s): tests fail", block.Reason);
        await UntilAsync(() => events.Any(e => e.Type == EventTypes.TaskBlocked), "task_blocked");
        var escalated = Assert.Single(events.OfType<TaskEscalatedEvent>());
        Assert.Equal((RepairLevel.Human, null), (escalated.Level, escalated.AgentId));
        Assert.False(fixture.Engine.WaitForCompletionAsync(id).IsCompleted);
    }

    [Fact]
    public async Task Run_RetriesWithinALevel_WaitForTheBackoffOnTheTimeProvider()
    {
        var time = new FakeTimeProvider();
        var task = Task("a");
        task.MaxAttempts = 1;
        var workflow = Ladder(Failing(_worker), Recording(_supervisor, i => i.Attempt < 3 ? AgentResult.Failure("again") : AgentResult.Success()), null, new RepairPolicy { UseRepairAgent = true, RepairAttempts = 2 }, task);
        await using var fixture = new EngineFixture(o => o.Retry.InitialDelay = TimeSpan.FromSeconds(10), time);
        var id = await fixture.Engine.CreateAsync(workflow);
        await fixture.Engine.StartAsync(id);

        // The hand-over to a new level is immediate; a retry on the same level waits for the backoff.
        await UntilAsync(() => _supervisor.Count == 1, "the repair agent's first attempt");
        await WaitForTaskAsync(fixture.Engine, id, "a", TaskState.BlockedRepair);
        time.Advance(TimeSpan.FromSeconds(9));
        await System.Threading.Tasks.Task.Delay(50);
        Assert.Single(_supervisor);
        time.Advance(TimeSpan.FromSeconds(1));

        var summary = await fixture.Engine.WaitForCompletionAsync(id).WaitAsync(Patience);
        Assert.Equal((WorkflowStatus.Completed, 3), (summary.Status, summary.Tasks[0].Attempts));
    }

    [Fact]
    public async Task Run_TaskPolicy_ReplacesTheWorkflowsAndTheEnginesAsAWhole()
    {
        var own = Task("own");
        own.MaxAttempts = 1;
        own.Repair = new RepairPolicy { UseRepairAgent = true, RepairAgentId = "manager" };
        var shared = Task("shared");
        shared.MaxAttempts = 1;
        var worker = Failing(_worker);
        var workflow = Ladder(worker, Succeeding(_supervisor), Succeeding(_manager), new RepairPolicy { UseRepairAgent = true }, own, shared);
        var engineWide = Task("engine-wide");
        engineWide.MaxAttempts = 1;
        var plain = Workflow(worker, engineWide);
        await using var fixture = new EngineFixture(o => o.Repair.BlockForHuman = true);

        var summary = await fixture.RunAsync(workflow);
        var id = await fixture.Engine.CreateAsync(plain);
        await fixture.Engine.StartAsync(id);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(["own"], _manager.Select(i => i.TaskId));
        Assert.Equal(["shared"], _supervisor.Select(i => i.TaskId));
        await WaitForTaskAsync(fixture.Engine, id, "engine-wide", TaskState.BlockedHitl);
    }

    [Fact]
    public async Task Run_PolicyChangedAfterCreate_DoesNotReachTheWorkflow()
    {
        var task = Task("a");
        task.MaxAttempts = 1;
        var policy = new RepairPolicy();
        var workflow = Ladder(Failing(_worker), Succeeding(_supervisor), null, policy, task);
        await using var fixture = new EngineFixture();
        var id = await fixture.Engine.CreateAsync(workflow);

        policy.UseRepairAgent = true;
        await fixture.Engine.StartAsync(id);

        Assert.Equal(WorkflowStatus.Failed, (await fixture.Engine.WaitForCompletionAsync(id).WaitAsync(Patience)).Status);
        Assert.Empty(_supervisor);
    }

    [Fact]
    public async Task Create_PolicyNamingAnUnregisteredAgent_IsRefusedOnceNamingTheAgentAndTheKnownOnes()
    {
        var workflow = Ladder(NoOp, null, null, RepairPolicy.FullLadder(), Task("a"), Task("b"));
        await using var fixture = new EngineFixture(agents: b => b.AddAgent("reviewer", NoOp));

        var ex = await Assert.ThrowsAsync<WorkflowValidationException>(() => fixture.Engine.CreateAsync(workflow));

        Assert.Equal(
            [
                "WorkflowDefinition.Repair.RepairAgentId names agent 'supervisor', which is not registered; known agents: agent, reviewer.",
                "WorkflowDefinition.Repair.EscalationAgentId names agent 'manager', which is not registered; known agents: agent, reviewer.",
            ],
            ex.Errors);
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => fixture.Engine.GetSummaryAsync("ladder"));
    }

    [Fact]
    public async Task Create_InvalidTaskPolicy_NamesTheTaskAndEveryBrokenRule()
    {
        var task = Task("a");
        task.Repair = new RepairPolicy { UseRepairAgent = true, RepairAgentId = "bad id", RepairAttempts = 0, HumanDeadline = TimeSpan.Zero, DeadlineAction = (DeadlineAction)9 };
        await using var fixture = new EngineFixture();

        var ex = await Assert.ThrowsAsync<WorkflowValidationException>(() => fixture.Engine.CreateAsync(Workflow(NoOp, task)));

        Assert.Equal(4, ex.Errors.Count);
        Assert.All(ex.Errors, e => Assert.StartsWith("Task 'a' Repair.", e, StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("RepairAgentId: 'bad id' is not a valid id", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("RepairAttempts is 0", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("HumanDeadline is 00:00:00", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("DeadlineAction is 9", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_RegisteredRepairAgent_IsFoundInDI()
    {
        var task = Task("a");
        task.MaxAttempts = 1;
        var workflow = Workflow(Failing(_worker), task);
        workflow.Repair = new RepairPolicy { UseRepairAgent = true };
        await using var fixture = new EngineFixture(agents: b => b.AddAgent("supervisor", Succeeding(_supervisor)));

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Single(_supervisor);
    }

    [Fact]
    public void Options_InvalidRepairPolicy_IsReportedWithThePrefix()
    {
        var services = new ServiceCollection();
        services.AddAgentManager(o =>
        {
            o.Repair.UseEscalation = true;
            o.Repair.EscalationAttempts = 0;
            o.InboxPollInterval = TimeSpan.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AgentManagerOptions>>().Value);

        Assert.Contains("Repair.EscalationAttempts is 0; it must be at least 1.", ex.Failures);
        Assert.Contains(ex.Failures, f => f.StartsWith("InboxPollInterval is 00:00:00; it must be positive", StringComparison.Ordinal));
    }

    /// <summary>Runs the workflow until its repair agent is working, then stops the engine as a crash would.</summary>
    private static async Task<InMemoryStateStore> CrashWhileRepairingAsync(Func<IAgentRunner, WorkflowDefinition> definition)
    {
        var store = new InMemoryStateStore();
        var repairing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hanging = EngineFixture.Agent(async (inv, ct) =>
        {
            repairing.TrySetResult();
            await System.Threading.Tasks.Task.Delay(Timeout.Infinite, ct);
            return AgentResult.Success();
        });
        await using var first = new EngineFixture(store: store);
        await first.Engine.CreateAsync(definition(hanging));
        await first.Engine.StartAsync("ladder");
        await repairing.Task.WaitAsync(Patience);
        return store;
    }

    [Fact]
    public async Task Resume_InterruptedRepairAttempt_ContinuesOnTheSameLevelWithTheRepairAgent()
    {
        WorkflowDefinition Definition(IAgentRunner supervisor)
        {
            var task = Task("a");
            task.MaxAttempts = 1;
            return Ladder(Failing(_worker), supervisor, null, new RepairPolicy { UseRepairAgent = true, RepairAttempts = 2 }, task);
        }

        var store = await CrashWhileRepairingAsync(Definition);

        var stored = (await store.GetTaskAsync("ladder", "a", CancellationToken.None))!;
        Assert.Equal((TaskState.Implementing, RepairLevel.Repair, 1, "supervisor"), (stored.State, stored.Level, stored.LevelAttempts, stored.CurrentAgentId));
        await using var second = new EngineFixture(store: store);

        await second.Engine.ResumeAsync(Definition(Succeeding(_supervisor)));
        var summary = await second.Engine.WaitForCompletionAsync("ladder").WaitAsync(Patience);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Single(_worker);
        var resumed = Assert.Single(_supervisor);
        Assert.Equal((3, "repair"), (resumed.Attempt, resumed.Metadata["repair_level"]));
        var lease = (await second.Engine.GetTransitionsAsync("ladder", "a")).Single(t => t.Trigger == TaskTrigger.LeaseExpired);
        Assert.Equal(2, lease.Attempt);
    }

    [Fact]
    public async Task Resume_InterruptedLastRepairAttempt_ClimbsToTheNextLevel()
    {
        WorkflowDefinition Definition(IAgentRunner supervisor)
        {
            var task = Task("a");
            task.MaxAttempts = 1;
            return Ladder(Failing(_worker), supervisor, Succeeding(_manager), new RepairPolicy { UseRepairAgent = true, UseEscalation = true }, task);
        }

        var store = await CrashWhileRepairingAsync(Definition);

        await using var second = new EngineFixture(store: store);
        await second.Engine.ResumeAsync(Definition(Succeeding(_supervisor)));
        var summary = await second.Engine.WaitForCompletionAsync("ladder").WaitAsync(Patience);

        Assert.Equal((WorkflowStatus.Completed, RepairLevel.Escalation), (summary.Status, summary.Tasks[0].Level));
        Assert.Empty(_supervisor);
        Assert.Single(_manager);
    }
}

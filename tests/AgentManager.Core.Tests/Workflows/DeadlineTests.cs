using System.Collections.Concurrent;
using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Inbox;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.Extensions.Time.Testing;
using static AgentManager.Tests.Workflows.EngineFixture;
using static AgentManager.Tests.Workflows.LadderKit;

namespace AgentManager.Tests.Workflows;

/// <summary>Human deadlines on the engine's <see cref="TimeProvider"/>: what happens when nobody decides in time.</summary>
public sealed class DeadlineTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromHours(1);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 6, 7, 0, 0, TimeSpan.Zero));
    private readonly ConcurrentQueue<AgentInvocation> _calls = new();
    private volatile bool _succeeds;

    private WorkflowDefinition Blocking(DeadlineAction action)
    {
        var a = Task("a");
        a.MaxAttempts = 1;
        var workflow = Workflow(Recording(_calls, i => i.TaskId == "a" && !_succeeds ? AgentResult.Failure("tests fail") : AgentResult.Success()), a, Task("b", "a"));
        workflow.Id = "deadline";
        workflow.Repair = new RepairPolicy { BlockForHuman = true, HumanDeadline = Wait, DeadlineAction = action };
        return workflow;
    }

    private async Task<EngineFixture> BlockAsync(DeadlineAction action, InMemoryStateStore? store = null)
    {
        var fixture = new EngineFixture(time: _time, store: store);
        await fixture.Engine.CreateAsync(Blocking(action));
        await fixture.Engine.StartAsync("deadline");
        await WaitForTaskAsync(fixture.Engine, "deadline", "a", TaskState.BlockedHitl);
        return fixture;
    }

    /// <summary>Lets the engine settle and checks the task did not move: the deadline has not come.</summary>
    private static async Task AssertStillBlockedAsync(EngineFixture fixture)
    {
        for (var i = 0; i < 5; i++)
        {
            await System.Threading.Tasks.Task.Delay(20);
            Assert.Equal(TaskState.BlockedHitl, (await fixture.Engine.GetSummaryAsync("deadline")).Tasks[0].State);
        }
    }

    [Fact]
    public async Task Deadline_Fail_FailsTheTaskWhenItPasses_AndPublishesIt()
    {
        await using var fixture = await BlockAsync(DeadlineAction.Fail);
        var events = new ConcurrentQueue<AgentManagerEvent>();
        await using var recording = Record(fixture.Bus, "deadline", events);
        var deadline = _time.GetUtcNow() + Wait;

        Assert.Equal(deadline, Assert.Single(await fixture.Inbox.ListAsync()).DeadlineAt);
        Assert.Equal(deadline, (await fixture.Engine.GetSummaryAsync("deadline")).Tasks[0].DeadlineAt);
        _time.Advance(Wait - TimeSpan.FromSeconds(1));
        await AssertStillBlockedAsync(fixture);
        _time.Advance(TimeSpan.FromSeconds(1));
        var summary = await fixture.Engine.WaitForCompletionAsync("deadline").WaitAsync(Patience);

        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        Assert.Equal((TaskState.Failed, null), (summary.Tasks[0].State, summary.Tasks[0].DeadlineAt));
        Assert.Equal(TaskState.Cancelled, summary.Tasks[1].State);
        var giveUp = (await fixture.Engine.GetTransitionsAsync("deadline", "a"))[^1];
        Assert.Equal((TaskState.BlockedHitl, TaskTrigger.GiveUp, TaskLifecycle.EngineActor), (giveUp.From, giveUp.Trigger, giveUp.Actor));
        Assert.Equal("No human decided before the deadline 2026-05-06 08:00:00Z; the deadline's action is fail.", giveUp.Reason);
        await UntilAsync(() => events.Any(e => e.Type == EventTypes.WorkflowFailed), "workflow_failed");
        var passed = Assert.Single(events.OfType<HumanInboxEvent>());
        Assert.Equal((EventTypes.HumanDeadlinePassed, "a", giveUp.Reason), (passed.Type, passed.TaskId, passed.Reason));
    }

    [Fact]
    public async Task Deadline_Cancel_CancelsTheTaskAndItsDependents()
    {
        await using var fixture = await BlockAsync(DeadlineAction.Cancel);

        _time.Advance(Wait);
        var summary = await fixture.Engine.WaitForCompletionAsync("deadline").WaitAsync(Patience);

        Assert.Equal(WorkflowStatus.Cancelled, summary.Status);
        Assert.Equal((TaskState.Cancelled, TaskState.Cancelled), (summary.Tasks[0].State, summary.Tasks[1].State));
        Assert.Equal("Dependency 'a' was cancelled: its deadline passed.", summary.Tasks[1].LastError);
    }

    [Fact]
    public async Task Deadline_Retry_GivesOneAttempt_ThatCanComplete()
    {
        await using var fixture = await BlockAsync(DeadlineAction.Retry);
        _succeeds = true;

        _time.Advance(Wait);
        var summary = await fixture.Engine.WaitForCompletionAsync("deadline").WaitAsync(Patience);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        var retry = (await fixture.Engine.GetTransitionsAsync("deadline", "a")).Single(t => t.From == TaskState.BlockedHitl);
        Assert.Equal((TaskTrigger.Retry, TaskLifecycle.EngineActor), (retry.Trigger, retry.Actor));
        Assert.Equal("human", _calls.Last(c => c.TaskId == "a").Metadata["repair_level"]);
    }

    [Fact]
    public async Task Deadline_RetryThatFails_BlocksAgainWithoutADeadline()
    {
        await using var fixture = await BlockAsync(DeadlineAction.Retry);

        _time.Advance(Wait);
        await UntilAsync(() => _calls.Count(c => c.TaskId == "a") == 2, "the deadline's retry");
        var blocked = await WaitForTaskAsync(fixture.Engine, "deadline", "a", TaskState.BlockedHitl);
        _time.Advance(Wait * 3);
        await AssertStillBlockedAsync(fixture);

        Assert.Null(blocked.DeadlineAt);
        Assert.Equal(2, _calls.Count(c => c.TaskId == "a"));
    }

    [Fact]
    public async Task Deadline_AfterAHumanDecided_DoesNothing()
    {
        await using var fixture = await BlockAsync(DeadlineAction.Fail);
        var events = new ConcurrentQueue<AgentManagerEvent>();
        await using var recording = Record(fixture.Bus, "deadline", events);

        await fixture.Inbox.DecideAsync(new HumanDecision { WorkflowId = "deadline", TaskId = "a", Action = HumanAction.Complete, Actor = "alice", Reason = "done by hand" });
        var summary = await fixture.Engine.WaitForCompletionAsync("deadline").WaitAsync(Patience);
        _time.Advance(Wait * 2);
        await System.Threading.Tasks.Task.Delay(50);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Null(summary.Tasks[0].DeadlineAt);
        Assert.DoesNotContain(events, e => e.Type == EventTypes.HumanDeadlinePassed);
    }

    [Fact]
    public async Task Deadline_PassedWhileNoEngineRan_IsAppliedWhenTheWorkflowResumes()
    {
        var store = new InMemoryStateStore();
        await (await BlockAsync(DeadlineAction.Fail, store)).DisposeAsync();
        Assert.Equal(_time.GetUtcNow() + Wait, (await store.GetTaskAsync("deadline", "a", CancellationToken.None))!.DeadlineAt);

        _time.Advance(Wait * 2);
        await using var resumed = new EngineFixture(time: _time, store: store);
        await resumed.Engine.ResumeAsync(Blocking(DeadlineAction.Fail));
        var summary = await resumed.Engine.WaitForCompletionAsync("deadline").WaitAsync(Patience);

        Assert.Equal((WorkflowStatus.Failed, TaskState.Failed), (summary.Status, summary.Tasks[0].State));
        Assert.Single(_calls);
    }

    [Fact]
    public async Task Deadline_StillAhead_StillAppliesAfterTheWorkflowResumes()
    {
        var store = new InMemoryStateStore();
        await (await BlockAsync(DeadlineAction.Cancel, store)).DisposeAsync();
        _time.Advance(Wait / 2);

        await using var resumed = new EngineFixture(time: _time, store: store);
        await resumed.Engine.ResumeAsync(Blocking(DeadlineAction.Cancel));
        await AssertStillBlockedAsync(resumed);
        _time.Advance(Wait / 2);
        var summary = await resumed.Engine.WaitForCompletionAsync("deadline").WaitAsync(Patience);

        Assert.Equal((WorkflowStatus.Cancelled, TaskState.Cancelled), (summary.Status, summary.Tasks[0].State));
    }

    [Fact]
    public async Task Deadline_OfACancelledWorkflow_DoesNothing()
    {
        await using var fixture = await BlockAsync(DeadlineAction.Retry);

        await fixture.Engine.CancelAsync("deadline", "stop");
        _time.Advance(Wait);
        var summary = await fixture.Engine.WaitForCompletionAsync("deadline").WaitAsync(Patience);
        await System.Threading.Tasks.Task.Delay(50);

        Assert.Equal(WorkflowStatus.Cancelled, summary.Status);
        Assert.Single(_calls, c => c.TaskId == "a");
    }
}

using System.Collections.Concurrent;
using AgentManager.Diagnostics;
using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Inbox;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Persistence.Sqlite;
using AgentManager.Workflows;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using static AgentManager.Tests.Workflows.EngineFixture;
using static AgentManager.Tests.Workflows.LadderKit;

namespace AgentManager.Tests.Workflows;

/// <summary>Decisions taken through a second engine on the same SQLite file, as the console's <c>inbox</c> command
/// does from another process, and applied by the engine that runs the workflow.</summary>
public sealed class InboxAcrossProcessesTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentmanager-inbox-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteStateStore> _stores = [];
    private readonly FakeTimeProvider _time = new();
    private readonly ConcurrentQueue<AgentInvocation> _calls = new();

    private SqliteStateStore Open()
    {
        var store = new SqliteStateStore(new SqliteStoreOptions { Path = Path.Combine(_directory, "state.db") });
        _stores.Add(store);
        return store;
    }

    public Task InitializeAsync() => System.Threading.Tasks.Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private WorkflowDefinition Blocking()
    {
        var a = Task("a");
        a.MaxAttempts = 1;
        var workflow = Workflow(Recording(_calls, i => i.TaskId == "a" ? AgentResult.Failure("tests fail") : AgentResult.Success()), a, Task("b", "a"));
        workflow.Id = "shared";
        workflow.Repair = new RepairPolicy { BlockForHuman = true };
        return workflow;
    }

    private EngineFixture Runner(SqliteStateStore store) => new(time: _time, store: store);

    private static HumanDecision Decision(HumanAction action, string actor = "carol") =>
        new() { WorkflowId = "shared", TaskId = "a", Action = action, Actor = actor, Reason = "looked at the logs" };

    private async Task<EngineFixture> BlockAsync()
    {
        var runner = Runner(Open());
        await runner.Engine.CreateAsync(Blocking());
        await runner.Engine.StartAsync("shared");
        await WaitForTaskAsync(runner.Engine, "shared", "a", TaskState.BlockedHitl);
        return runner;
    }

    [Fact]
    public async Task Decide_FromAnotherEngine_IsQueuedThenAppliedByTheRunningEngineOnItsNextPoll()
    {
        await using var runner = await BlockAsync();
        await using var console = new EngineFixture(store: Open());

        var listed = Assert.Single(await console.Inbox.ListAsync());
        var queued = await console.Inbox.DecideAsync(Decision(HumanAction.Complete));

        Assert.Equal("a", listed.TaskId);
        Assert.Equal((HumanDecisionStatus.Pending, null), (queued.Status, queued.Outcome));
        Assert.Equal(queued.DecisionId, Assert.Single(Assert.Single(await console.Inbox.ListAsync()).PendingDecisions).DecisionId);
        Assert.Equal(TaskState.BlockedHitl, (await runner.Engine.GetSummaryAsync("shared")).Tasks[0].State);

        _time.Advance(TimeSpan.FromSeconds(1));
        var summary = await runner.Engine.WaitForCompletionAsync("shared").WaitAsync(Patience);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        var applied = await console.Inbox.GetDecisionAsync(queued.DecisionId);
        Assert.Equal((HumanDecisionStatus.Applied, "Task 'a' was completed by carol."), (applied!.Status, applied.Outcome));
        var completion = (await console.Engine.GetTransitionsAsync("shared", "a"))[^1];
        Assert.Equal((TaskTrigger.HumanComplete, "carol", "looked at the logs"), (completion.Trigger, completion.Actor, completion.Reason));
    }

    [Fact]
    public async Task Decide_FromAnotherEngineInACorrelationScope_StampsTheEventsOfApplyingIt()
    {
        await using var runner = await BlockAsync();
        await using var console = new EngineFixture(store: Open());

        HumanDecisionRecord queued;
        using (CorrelationScope.Begin("req-42"))
        {
            queued = await console.Inbox.DecideAsync(Decision(HumanAction.Complete));
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        await runner.Engine.WaitForCompletionAsync("shared").WaitAsync(Patience);

        Assert.Equal("req-42", queued.CorrelationId);
        Assert.Equal("req-42", (await console.Inbox.GetDecisionAsync(queued.DecisionId))!.CorrelationId);
        var logged = await _stores[0].ReadEventsAsync(new EventLogQuery { Filter = new EventFilter("shared"), Limit = EventLogQuery.MaxLimit }, CancellationToken.None);
        var completed = logged.Single(e => e.Type == EventTypes.TaskCompleted && e.TaskId == "a");
        Assert.All(logged.Where(e => e.Sequence >= completed.Sequence), e => Assert.Equal("req-42", e.CorrelationId));
        Assert.Contains(logged, e => e.Type == EventTypes.WorkflowCompleted && e.Sequence > completed.Sequence);
        Assert.DoesNotContain(logged.Where(e => e.Sequence < completed.Sequence), e => e.CorrelationId == "req-42");
    }

    [Fact]
    public async Task Decide_ForATaskNoLongerBlockedWhenTaken_IsRejectedAndRecorded()
    {
        await using var runner = await BlockAsync();
        await using var console = new EngineFixture(store: Open());
        var events = new ConcurrentQueue<AgentManagerEvent>();
        await using var recording = Record(runner.Bus, "shared", events);

        var first = await console.Inbox.DecideAsync(Decision(HumanAction.Fail, "dave"));
        var second = await console.Inbox.DecideAsync(Decision(HumanAction.Complete, "erin"));
        _time.Advance(TimeSpan.FromSeconds(1));
        var summary = await runner.Engine.WaitForCompletionAsync("shared").WaitAsync(Patience);

        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        Assert.Equal(HumanDecisionStatus.Applied, (await console.Inbox.GetDecisionAsync(first.DecisionId))!.Status);
        var rejected = (await console.Inbox.GetDecisionAsync(second.DecisionId))!;
        Assert.Equal(HumanDecisionStatus.Rejected, rejected.Status);
        Assert.Equal("Task 'a' of workflow 'shared' is failed, not blocked_hitl; only a task blocked for a human accepts a human decision.", rejected.Outcome);
        await UntilAsync(() => events.Any(e => e.Type == EventTypes.HumanDecisionRejected), "human_decision_rejected");
        var published = events.OfType<HumanInboxEvent>().Single();
        Assert.Equal((second.DecisionId, "erin", "a", rejected.Outcome), (published.DecisionId, published.Actor, published.TaskId, published.Reason));
        Assert.Contains(("human_decision_rejected", "a"), await _stores[0].GetEventLogAsync("shared", CancellationToken.None));
        Assert.DoesNotContain(await console.Engine.GetTransitionsAsync("shared", "a"), t => t.Actor == "erin");
    }

    [Fact]
    public async Task Resume_AfterACrashWhileBlocked_StaysBlocked_AndTakesTheDecisionQueuedMeanwhile()
    {
        await (await BlockAsync()).DisposeAsync();
        await using var console = new EngineFixture(store: Open());
        Assert.Single(await console.Inbox.ListAsync());
        var queued = await console.Inbox.DecideAsync(Decision(HumanAction.Retry));
        Assert.Equal(HumanDecisionStatus.Pending, queued.Status);
        _calls.Clear();

        await using var resumed = Runner(Open());
        var definition = Blocking();
        definition.Agents["agent"] = Succeeding(_calls);
        await resumed.Engine.ResumeAsync(definition);
        var summary = await resumed.Engine.WaitForCompletionAsync("shared").WaitAsync(Patience);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(["a", "b"], _calls.Select(c => c.TaskId));
        Assert.Equal(HumanDecisionStatus.Applied, (await console.Inbox.GetDecisionAsync(queued.DecisionId))!.Status);
    }

    [Fact]
    public async Task Resume_WhileBlocked_WithoutADecision_KeepsTheTaskBlocked()
    {
        await (await BlockAsync()).DisposeAsync();
        _calls.Clear();

        await using var resumed = Runner(Open());
        await resumed.Engine.ResumeAsync(Blocking());
        _time.Advance(TimeSpan.FromSeconds(5));
        await System.Threading.Tasks.Task.Delay(50);

        var summary = await resumed.Engine.GetSummaryAsync("shared");
        Assert.Equal((WorkflowStatus.Running, TaskState.BlockedHitl, RepairLevel.Human), (summary.Status, summary.Tasks[0].State, summary.Tasks[0].Level));
        Assert.Empty(_calls);
        await resumed.Inbox.DecideAsync(Decision(HumanAction.Complete));
        Assert.Equal(WorkflowStatus.Completed, (await resumed.Engine.WaitForCompletionAsync("shared").WaitAsync(Patience)).Status);
    }

    [Fact]
    public async Task Decide_RacedWithACancelOfTheWorkflow_IsNeverApplied()
    {
        await using var runner = await BlockAsync();
        await using var console = new EngineFixture(store: Open());

        var queued = await console.Inbox.DecideAsync(Decision(HumanAction.Complete));
        await runner.Engine.CancelAsync("shared", "stop");
        _time.Advance(TimeSpan.FromSeconds(1));
        var summary = await runner.Engine.WaitForCompletionAsync("shared").WaitAsync(Patience);

        Assert.Equal((WorkflowStatus.Cancelled, TaskState.Cancelled), (summary.Status, summary.Tasks[0].State));
        Assert.Equal(HumanDecisionStatus.Pending, (await console.Inbox.GetDecisionAsync(queued.DecisionId))!.Status);
        await Assert.ThrowsAsync<TaskNotBlockedException>(() => console.Inbox.DecideAsync(Decision(HumanAction.Complete)));
    }

    [Fact]
    public async Task Decide_FromAnotherEngine_ChecksTheStoredState()
    {
        await using var runner = await BlockAsync();
        await using var console = new EngineFixture(store: Open());

        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => console.Inbox.DecideAsync(new HumanDecision { WorkflowId = "ghost", TaskId = "a", Action = HumanAction.Fail, Actor = "x", Reason = "y" }));
        await Assert.ThrowsAsync<TaskNotFoundException>(() => console.Inbox.DecideAsync(new HumanDecision { WorkflowId = "shared", TaskId = "zz", Action = HumanAction.Fail, Actor = "x", Reason = "y" }));
        var ex = await Assert.ThrowsAsync<TaskNotBlockedException>(() => console.Inbox.DecideAsync(new HumanDecision { WorkflowId = "shared", TaskId = "b", Action = HumanAction.Fail, Actor = "x", Reason = "y" }));
        Assert.Equal(TaskState.Pending, ex.State);
        Assert.Empty(await _stores[0].GetPendingDecisionsAsync(null, CancellationToken.None));
    }
}

using System.Collections.Concurrent;
using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Inbox;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using static AgentManager.Tests.Workflows.EngineFixture;
using static AgentManager.Tests.Workflows.LadderKit;

namespace AgentManager.Tests.Workflows;

/// <summary>The human inbox in one process: listing blocked tasks and every decision, with its errors.</summary>
public sealed class HumanInboxTests
{
    private readonly ConcurrentQueue<AgentInvocation> _calls = new();
    private int _failuresLeft = int.MaxValue;
    private bool _holdB;

    /// <summary>Task "a" fails until <see cref="_failuresLeft"/> runs out, then succeeds; "b" depends on it, "c" does not.</summary>
    private WorkflowDefinition Blocking(string id = "inbox")
    {
        var agent = Agent(async (i, ct) =>
        {
            _calls.Enqueue(i);
            if (i.TaskId == "b" && _holdB)
            {
                await System.Threading.Tasks.Task.Delay(Timeout.Infinite, ct);
            }

            return i.TaskId == "a" && Interlocked.Decrement(ref _failuresLeft) >= 0
                ? AgentResult.Failure("tests fail", "3 passed, 1 failed")
                : AgentResult.Success("ok");
        });
        var a = Task("a");
        a.Title = "Build it";
        a.MaxAttempts = 2;
        var workflow = Workflow(agent, a, Task("b", "a"), Task("c"));
        workflow.Id = id;
        workflow.Repair = new RepairPolicy { BlockForHuman = true };
        return workflow;
    }

    private async Task<string> BlockAsync(EngineFixture fixture, string id = "inbox")
    {
        await fixture.Engine.CreateAsync(Blocking(id));
        await fixture.Engine.StartAsync(id);
        await WaitForTaskAsync(fixture.Engine, id, "a", TaskState.BlockedHitl);
        await WaitForTaskAsync(fixture.Engine, id, "c", TaskState.Completed);
        return id;
    }

    private static HumanDecision Decision(HumanAction action, string taskId = "a", string workflowId = "inbox", string actor = "alice", string reason = "checked by hand") =>
        new() { WorkflowId = workflowId, TaskId = taskId, Action = action, Actor = actor, Reason = reason };

    [Fact]
    public async Task List_BlockedTask_ShowsItsErrorOutputHistoryAndNoPendingDecision()
    {
        await using var fixture = new EngineFixture();
        var id = await BlockAsync(fixture);

        var item = Assert.Single(await fixture.Inbox.ListAsync());

        Assert.Equal((id, "a", "Build it", "agent", 2), (item.WorkflowId, item.TaskId, item.Title, item.AgentId, item.Attempts));
        Assert.Equal(("tests fail", "3 passed, 1 failed"), (item.LastError, item.LastOutput));
        Assert.Equal(TaskState.BlockedHitl, item.History[^1].To);
        Assert.Equal(item.History[^1].Timestamp, item.BlockedAt);
        Assert.Empty(item.PendingDecisions);
        Assert.Null(item.DeadlineAt);
        Assert.Single(await fixture.Inbox.ListAsync(id));
    }

    /// <summary>Two workflows with a blocked task of the same id: each is listed once, in the order the workflows were
    /// created, with only its own pending decision. The inbox reads the blocked tasks, not every task nor every
    /// workflow the store keeps.</summary>
    [Fact]
    public async Task List_SameTaskIdBlockedInTwoWorkflows_ListsEachWithItsOwnPendingDecisionOnly()
    {
        var reads = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var store = ReadCountingStore.Create(new InMemoryStateStore(), reads);
        await using var fixture = new EngineFixture(store: store);
        await fixture.RunAsync(Workflow(NoOp, Task("x")));
        await BlockAsync(fixture, "first");
        await BlockAsync(fixture, "second");
        await store.EnqueueDecisionAsync(
            new HumanDecisionRecord
            {
                DecisionId = "d-1",
                WorkflowId = "second",
                TaskId = "a",
                Action = HumanAction.Retry,
                Actor = "bob",
                Reason = "flaky runner",
                Status = HumanDecisionStatus.Pending,
                RequestedAt = DateTimeOffset.UnixEpoch,
            },
            CancellationToken.None);
        reads.Clear();

        var items = await fixture.Inbox.ListAsync();

        Assert.Equal([("first", "a"), ("second", "a")], items.Select(i => (i.WorkflowId, i.TaskId)));
        Assert.Empty(items[0].PendingDecisions);
        Assert.Equal("d-1", Assert.Single(items[1].PendingDecisions).DecisionId);
        Assert.False(reads.ContainsKey(nameof(IStateStore.GetTasksAsync)), "the inbox read every task of a workflow");
        Assert.False(reads.ContainsKey(nameof(IStateStore.ListWorkflowsAsync)), "the inbox read every workflow");
        Assert.Equal(1, reads[nameof(IStateStore.QueryTasksAsync)]);
    }

    [Fact]
    public async Task List_UnknownWorkflow_Throws_AndNothingBlocked_IsEmpty()
    {
        await using var fixture = new EngineFixture();
        await fixture.RunAsync(Workflow(NoOp, Task("x")));

        Assert.Empty(await fixture.Inbox.ListAsync());
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => fixture.Inbox.ListAsync("nope"));
    }

    [Fact]
    public async Task Complete_RecordsAHumanCompletion_AndTheDependentsRun()
    {
        await using var fixture = new EngineFixture();
        var id = await BlockAsync(fixture);

        var decision = await fixture.Inbox.DecideAsync(Decision(HumanAction.Complete, reason: "fixed the flaky test myself"));
        var summary = await fixture.Engine.WaitForCompletionAsync(id).WaitAsync(Patience);

        Assert.Equal(HumanDecisionStatus.Applied, decision.Status);
        Assert.Equal("Task 'a' was completed by alice.", decision.Outcome);
        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Contains(_calls, i => i.TaskId == "b");
        var completion = (await fixture.Engine.GetTransitionsAsync(id, "a"))[^1];
        Assert.Equal((TaskState.BlockedHitl, TaskState.Completed, TaskTrigger.HumanComplete), (completion.From, completion.To, completion.Trigger));
        Assert.Equal(("alice", "fixed the flaky test myself"), (completion.Actor, completion.Reason));
        Assert.Equal(decision, await fixture.Inbox.GetDecisionAsync(decision.DecisionId));
        Assert.Empty(await fixture.Inbox.ListAsync());
    }

    [Fact]
    public async Task Fail_FailsTheTaskAndCancelsItsDependents()
    {
        await using var fixture = new EngineFixture();
        var id = await BlockAsync(fixture);

        await fixture.Inbox.DecideAsync(Decision(HumanAction.Fail, actor: "bob", reason: "the spec is wrong"));
        var summary = await fixture.Engine.WaitForCompletionAsync(id).WaitAsync(Patience);

        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        var byId = summary.Tasks.ToDictionary(t => t.TaskId);
        Assert.Equal((TaskState.Failed, "Failed by bob: the spec is wrong"), (byId["a"].State, byId["a"].LastError));
        Assert.Equal((TaskState.Cancelled, "Dependency 'a' was failed by bob."), (byId["b"].State, byId["b"].LastError));
        var failure = (await fixture.Engine.GetTransitionsAsync(id, "a"))[^1];
        Assert.Equal((TaskTrigger.HumanFail, "bob", "the spec is wrong"), (failure.Trigger, failure.Actor, failure.Reason));
    }

    [Fact]
    public async Task Cancel_CancelsTheTaskAndItsDependents_AndTheWorkflowEndsCancelled()
    {
        await using var fixture = new EngineFixture();
        var id = await BlockAsync(fixture);

        await fixture.Inbox.DecideAsync(Decision(HumanAction.Cancel, reason: "not needed any more"));
        var summary = await fixture.Engine.WaitForCompletionAsync(id).WaitAsync(Patience);

        Assert.Equal(WorkflowStatus.Cancelled, summary.Status);
        Assert.Equal("2 task(s) cancelled: 'a', 'b'", summary.Reason);
        Assert.Equal((1, 2), (summary.Completed, summary.Cancelled));
        var cancel = (await fixture.Engine.GetTransitionsAsync(id, "a"))[^1];
        Assert.Equal((TaskTrigger.Cancel, "alice", "not needed any more"), (cancel.Trigger, cancel.Actor, cancel.Reason));
    }

    [Fact]
    public async Task Retry_GivesTheOwnAgentOneMoreAttempt_ThatCanComplete()
    {
        await using var fixture = new EngineFixture();
        var id = await BlockAsync(fixture);
        _failuresLeft = 0;

        await fixture.Inbox.DecideAsync(Decision(HumanAction.Retry, reason: "the database is back"));
        var summary = await fixture.Engine.WaitForCompletionAsync(id).WaitAsync(Patience);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        var retried = _calls.Last(i => i.TaskId == "a");
        Assert.Equal(("agent", 3, "human", "tests fail"), (retried.AgentId, retried.Attempt, retried.Metadata["repair_level"], retried.PreviousError));
        var retry = (await fixture.Engine.GetTransitionsAsync(id, "a")).Single(t => t.Trigger == TaskTrigger.HumanRetry);
        Assert.Equal((TaskState.Ready, "alice", "the database is back"), (retry.To, retry.Actor, retry.Reason));
    }

    [Fact]
    public async Task Retry_ThatFailsAgain_BlocksTheTaskAgain()
    {
        await using var fixture = new EngineFixture();
        var id = await BlockAsync(fixture);

        await fixture.Inbox.DecideAsync(Decision(HumanAction.Retry));
        await UntilAsync(() => _calls.Count(i => i.TaskId == "a") == 3, "the human's retry");
        var blocked = await WaitForTaskAsync(fixture.Engine, id, "a", TaskState.BlockedHitl);

        Assert.Equal((3, RepairLevel.Human), (blocked.Attempts, blocked.Level));
        var triggers = (await fixture.Engine.GetTransitionsAsync(id, "a")).Select(t => t.Trigger).TakeLast(4);
        Assert.Equal([TaskTrigger.HumanRetry, TaskTrigger.Start, TaskTrigger.AttemptFailed, TaskTrigger.Block], triggers);
        Assert.Equal(WorkflowStatus.Running, (await fixture.Engine.GetSummaryAsync(id)).Status);
    }

    [Theory]
    [InlineData("", "why", "Actor is blank")]
    [InlineData("  ", "why", "Actor is blank")]
    [InlineData("engine", "why", "Actor 'engine' is the engine's own name")]
    [InlineData(" Engine ", "why", "Actor ' Engine ' is the engine's own name")]
    [InlineData("alice", "", "Reason is blank")]
    [InlineData("alice", " \t", "Reason is blank")]
    public async Task Decide_WithoutAHumanActorOrAReason_IsRefusedAndChangesNothing(string actor, string reason, string expected)
    {
        await using var fixture = new EngineFixture();
        var id = await BlockAsync(fixture);

        var ex = await Assert.ThrowsAsync<InvalidHumanDecisionException>(() => fixture.Inbox.DecideAsync(Decision(HumanAction.Complete, actor: actor, reason: reason)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(TaskState.BlockedHitl, (await fixture.Engine.GetSummaryAsync(id)).Tasks[0].State);
    }

    [Fact]
    public async Task Decide_MalformedDecision_ListsEveryProblem()
    {
        await using var fixture = new EngineFixture();

        var ex = await Assert.ThrowsAsync<InvalidHumanDecisionException>(() => fixture.Inbox.DecideAsync(
            new HumanDecision { WorkflowId = "bad id", TaskId = "", Action = (HumanAction)7, Actor = "", Reason = "" }));

        Assert.Equal(5, ex.Errors.Count);
        Assert.StartsWith("WorkflowId: 'bad id' is not a valid id", ex.Errors[0], StringComparison.Ordinal);
        Assert.StartsWith("TaskId: ", ex.Errors[1], StringComparison.Ordinal);
        Assert.Equal("Action 7 is not retry, complete, fail or cancel.", ex.Errors[2]);
        await Assert.ThrowsAsync<ArgumentNullException>(() => fixture.Inbox.DecideAsync(null!));
    }

    [Fact]
    public async Task Decide_UnknownWorkflowOrTask_IsNotFound()
    {
        await using var fixture = new EngineFixture();
        await BlockAsync(fixture);

        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => fixture.Inbox.DecideAsync(Decision(HumanAction.Complete, workflowId: "nope")));
        var ex = await Assert.ThrowsAsync<TaskNotFoundException>(() => fixture.Inbox.DecideAsync(Decision(HumanAction.Complete, taskId: "zz")));
        Assert.Equal("Workflow 'inbox' has no task 'zz'.", ex.Message);
    }

    [Fact]
    public async Task Decide_TaskNotBlocked_IsAConflictNamingItsState()
    {
        await using var fixture = new EngineFixture();
        var id = await BlockAsync(fixture);

        var completed = await Assert.ThrowsAsync<TaskNotBlockedException>(() => fixture.Inbox.DecideAsync(Decision(HumanAction.Retry, taskId: "c")));
        var pending = await Assert.ThrowsAsync<TaskNotBlockedException>(() => fixture.Inbox.DecideAsync(Decision(HumanAction.Complete, taskId: "b")));

        Assert.Equal((id, "c", TaskState.Completed), (completed.WorkflowId, completed.TaskId, completed.State));
        Assert.Equal("Task 'c' of workflow 'inbox' is completed, not blocked_hitl; only a task blocked for a human accepts a human decision.", completed.Message);
        Assert.Equal(TaskState.Pending, pending.State);
    }

    [Fact]
    public async Task Decide_AfterTheWorkflowFinished_IsAConflictFromTheStore()
    {
        await using var fixture = new EngineFixture();
        var id = await BlockAsync(fixture);
        await fixture.Inbox.DecideAsync(Decision(HumanAction.Complete));
        await fixture.Engine.WaitForCompletionAsync(id).WaitAsync(Patience);

        var ex = await Assert.ThrowsAsync<TaskNotBlockedException>(() => fixture.Inbox.DecideAsync(Decision(HumanAction.Fail)));

        Assert.Equal(TaskState.Completed, ex.State);
    }

    [Fact]
    public async Task Decide_SecondDecisionAboutTheSameTask_IsAConflict()
    {
        await using var fixture = new EngineFixture();
        await BlockAsync(fixture);
        await fixture.Inbox.DecideAsync(Decision(HumanAction.Fail));

        var ex = await Assert.ThrowsAsync<TaskNotBlockedException>(() => fixture.Inbox.DecideAsync(Decision(HumanAction.Complete)));

        Assert.Equal(TaskState.Failed, ex.State);
    }

    [Fact]
    public async Task Decide_RacedWithAWorkflowCancel_EitherAppliesBeforeTheCancelOrIsRefused()
    {
        _holdB = true;
        for (var round = 0; round < 20; round++)
        {
            await using var fixture = new EngineFixture();
            var id = await BlockAsync(fixture, $"race-{round}");

            var decide = fixture.Inbox.DecideAsync(Decision(HumanAction.Complete, workflowId: id));
            var cancel = fixture.Engine.CancelAsync(id, "stop everything");
            await cancel;
            var summary = await fixture.Engine.WaitForCompletionAsync(id).WaitAsync(Patience);

            Assert.Equal(WorkflowStatus.Cancelled, summary.Status);
            var a = summary.Tasks.Single(t => t.TaskId == "a");
            try
            {
                var applied = await decide;
                Assert.Equal(HumanDecisionStatus.Applied, applied.Status);
                Assert.Equal(TaskState.Completed, a.State);
            }
            catch (TaskNotBlockedException refused)
            {
                Assert.Equal(TaskState.Cancelled, refused.State);
                Assert.Equal(TaskState.Cancelled, a.State);
            }
        }
    }

    [Fact]
    public async Task CancelWorkflow_WhileATaskIsBlocked_CancelsIt()
    {
        await using var fixture = new EngineFixture();
        var id = await BlockAsync(fixture);

        await fixture.Engine.CancelAsync(id, "shutting down");
        var summary = await fixture.Engine.WaitForCompletionAsync(id).WaitAsync(Patience);

        Assert.Equal((WorkflowStatus.Cancelled, TaskState.Cancelled), (summary.Status, summary.Tasks[0].State));
        Assert.Empty(await fixture.Inbox.ListAsync());
    }

    [Fact]
    public async Task Decide_Events_FollowTheTransitions()
    {
        await using var fixture = new EngineFixture();
        var events = new ConcurrentQueue<AgentManagerEvent>();
        await using var recording = Record(fixture.Bus, "inbox", events);
        await BlockAsync(fixture);

        await fixture.Inbox.DecideAsync(Decision(HumanAction.Complete));
        await UntilAsync(() => events.Any(e => e.Type == EventTypes.WorkflowCompleted), "workflow_completed");

        var a = events.OfType<TaskEvent>().Where(e => e.TaskId == "a").Select(e => e.Type).TakeLast(2);
        Assert.Equal([EventTypes.TaskBlocked, EventTypes.TaskCompleted], a);
        Assert.Equal("alice", events.OfType<TaskEvent>().Last(e => e.TaskId == "a").Transition.Actor);
    }
}

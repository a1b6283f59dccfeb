using AgentManager.Events;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;

namespace AgentManager.Tests.Persistence;

/// <summary>The event log part of the <see cref="IStateStore"/> contract: <see cref="IStateStore.ReadEventsAsync"/>.</summary>
public abstract partial class StateStoreContractTests
{
    private static EventLogQuery Query(string? workflowId = null, string[]? types = null, long after = 0, long? before = null, int limit = 100, bool newestFirst = false) =>
        new() { Filter = new EventFilter(workflowId, types), After = after, Before = before, Limit = limit, NewestFirst = newestFirst };

    private async Task<IStateStore> StoreWithTwoWorkflowsAsync()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var created = new StateChanges();
        created.Workflows.Add(Workflow("wf-1"));
        created.Workflows.Add(Workflow("wf-2"));
        created.Tasks.Add(Task("t0", 0, "wf-1"));
        created.Tasks.Add(Task("t0", 0, "wf-2"));
        created.Events.Add(new WorkflowEvent(EventTypes.WorkflowCreated, "wf-1", Created) { CorrelationId = "req-1" });
        created.Events.Add(new WorkflowEvent(EventTypes.WorkflowCreated, "wf-2", Created.AddSeconds(1)));
        await store.CommitAsync(created, CancellationToken.None);
        await store.CommitAsync(Changes(transitions:
        [
            Transition("t0", TaskState.Pending, TaskState.Ready, TaskTrigger.DependenciesMet, 0, 1, "wf-1"),
            Transition("t0", TaskState.Ready, TaskState.Implementing, TaskTrigger.Start, 1, 2, "wf-1"),
            Transition("t0", TaskState.Pending, TaskState.Ready, TaskTrigger.DependenciesMet, 0, 3, "wf-2"),
            Transition("t0", TaskState.Implementing, TaskState.BlockedRepair, TaskTrigger.AttemptFailed, 1, 4, "wf-1"),
        ]), CancellationToken.None);
        var finished = new StateChanges();
        finished.Workflows.Add(Workflow("wf-1", WorkflowStatus.Failed) with { FinishedAt = Created.AddMinutes(5) });
        finished.Events.Add(new WorkflowEvent(EventTypes.WorkflowFailed, "wf-1", Created.AddMinutes(5), "1 task(s) failed"));
        await store.CommitAsync(finished, CancellationToken.None);
        return store;
    }

    [Fact]
    public async Task ReadEvents_ReturnsEveryCommittedEventInCommitOrder_WithIncreasingSequences()
    {
        var store = await StoreWithTwoWorkflowsAsync();

        var log = await store.ReadEventsAsync(new EventLogQuery(), CancellationToken.None);

        Assert.Equal(
            ["workflow_created", "workflow_created", "task_ready", "task_started", "task_ready", "task_attempt_failed", "workflow_failed"],
            log.Select(e => e.Type));
        Assert.Equal(["wf-1", "wf-2", "wf-1", "wf-1", "wf-2", "wf-1", "wf-1"], log.Select(e => e.WorkflowId));
        Assert.True(log[0].Sequence >= 1);
        Assert.All(log.Zip(log.Skip(1)), pair => Assert.True(pair.Second.Sequence > pair.First.Sequence));
    }

    [Fact]
    public async Task ReadEvents_KeepsEveryFieldOfTheEvent()
    {
        var store = await StoreWithTwoWorkflowsAsync();

        var log = await store.ReadEventsAsync(new EventLogQuery(), CancellationToken.None);

        var created = log[0];
        Assert.Equal(("req-1", Created, Created.Offset), (created.CorrelationId, created.Timestamp, created.Timestamp.Offset));
        Assert.Null(created.TaskId);
        Assert.Null(created.Transition);
        Assert.Null(log[1].CorrelationId);
        var failedAttempt = log[5];
        Assert.Equal("t0", failedAttempt.TaskId);
        Assert.Equal("exit code 1", failedAttempt.Reason);
        Assert.Equal(Transition("t0", TaskState.Implementing, TaskState.BlockedRepair, TaskTrigger.AttemptFailed, 1, 4, "wf-1"), failedAttempt.Transition);
        Assert.Equal("1 task(s) failed", log[6].Reason);
    }

    [Fact]
    public async Task ReadEvents_FiltersByWorkflowAndTypePatterns()
    {
        var store = await StoreWithTwoWorkflowsAsync();

        var wf2 = await store.ReadEventsAsync(Query("wf-2"), CancellationToken.None);
        var workflowEvents = await store.ReadEventsAsync(Query(types: ["workflow_*"]), CancellationToken.None);
        var exactOrPrefix = await store.ReadEventsAsync(Query("wf-1", ["task_ready", "task_a*"]), CancellationToken.None);
        var star = await store.ReadEventsAsync(Query(types: ["*"]), CancellationToken.None);
        // '_' is a LIKE wildcard in SQL: the prefix 'task_' must not match 'taskXready'-like names or 'workflow_…'.
        var underscore = await store.ReadEventsAsync(Query(types: ["task_s*"]), CancellationToken.None);

        Assert.Equal(["workflow_created", "task_ready"], wf2.Select(e => e.Type));
        Assert.Equal(["workflow_created", "workflow_created", "workflow_failed"], workflowEvents.Select(e => e.Type));
        Assert.Equal(["task_ready", "task_attempt_failed"], exactOrPrefix.Select(e => e.Type));
        Assert.Equal(7, star.Count);
        Assert.Equal(["task_started"], underscore.Select(e => e.Type));
    }

    [Fact]
    public async Task ReadEvents_PagesByWindowAndLimit_OldestOrNewestFirst()
    {
        var store = await StoreWithTwoWorkflowsAsync();
        var all = await store.ReadEventsAsync(new EventLogQuery(), CancellationToken.None);

        var first = await store.ReadEventsAsync(Query(limit: 3), CancellationToken.None);
        var next = await store.ReadEventsAsync(Query(after: first[^1].Sequence, limit: 3), CancellationToken.None);
        var window = await store.ReadEventsAsync(Query(after: all[1].Sequence, before: all[4].Sequence), CancellationToken.None);
        var newest = await store.ReadEventsAsync(Query("wf-1", limit: 2, newestFirst: true), CancellationToken.None);
        var end = await store.ReadEventsAsync(Query(after: all[^1].Sequence), CancellationToken.None);

        Assert.Equal(all.Take(3), first);
        Assert.Equal(all.Skip(3).Take(3), next);
        Assert.Equal(all.Skip(2).Take(2), window);
        Assert.Equal(["workflow_failed", "task_attempt_failed"], newest.Select(e => e.Type));
        Assert.Empty(end);
    }

    [Fact]
    public async Task ReadEvents_MalformedQuery_ThrowsArgumentErrors()
    {
        var store = await CreateStoreAsync(CancellationToken.None);

        await Assert.ThrowsAsync<ArgumentNullException>(() => store.ReadEventsAsync(null!, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ReadEventsAsync(Query(limit: 0), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ReadEventsAsync(Query(limit: EventLogQuery.MaxLimit + 1), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ReadEventsAsync(Query(after: -1), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ReadEventsAsync(Query(before: -1), CancellationToken.None));
    }

    [Fact]
    public async Task ReadEvents_EventsOfAFailedCommit_AreNotLogged()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var orphan = new StateChanges();
        orphan.Workflows.Add(Workflow("wf-1"));
        orphan.Events.Add(new WorkflowEvent(EventTypes.WorkflowCreated, "wf-1", Created));
        orphan.Events.Add(new WorkflowEvent(EventTypes.WorkflowCreated, "ghost", Created));

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync(orphan, CancellationToken.None));

        Assert.Empty(await store.ReadEventsAsync(new EventLogQuery(), CancellationToken.None));
        Assert.Null(await store.GetWorkflowAsync("wf-1", CancellationToken.None));
    }

    [Fact]
    public async Task ReadEvents_AfterAPurge_PurgedEventsAreGoneAndSequencesAreNotReused()
    {
        var store = await StoreWithTwoWorkflowsAsync();
        var before = await store.ReadEventsAsync(new EventLogQuery(), CancellationToken.None);

        Assert.Equal(["wf-1"], await store.PurgeAsync(Created.AddDays(1), CancellationToken.None));
        var more = new StateChanges();
        more.Workflows.Add(Workflow("wf-3"));
        more.Events.Add(new WorkflowEvent(EventTypes.WorkflowCreated, "wf-3", Created));
        await store.CommitAsync(more, CancellationToken.None);

        var after = await store.ReadEventsAsync(new EventLogQuery(), CancellationToken.None);
        Assert.Equal(["wf-2", "wf-2", "wf-3"], after.Select(e => e.WorkflowId));
        Assert.True(after[^1].Sequence > before[^1].Sequence);
    }
}

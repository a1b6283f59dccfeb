using AgentManager.Events;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.Extensions.Time.Testing;

namespace AgentManager.Tests.Persistence;

/// <summary>Leases with fencing and the outbox: the same rules for every store.</summary>
public abstract partial class StateStoreContractTests
{
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(30);

    private static LeaseClaim Claim(string owner, FakeTimeProvider time, long? takeOver = null, string workflowId = "wf-1") => new()
    {
        WorkflowId = workflowId,
        Owner = owner,
        Now = time.GetUtcNow(),
        ExpiresAt = time.GetUtcNow() + LeaseTime,
        TakeOverToken = takeOver,
    };

    private async Task<IStateStore> StoreWithWorkflowAsync()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow()], [Task("t0", 0), Task("t1", 1)]), CancellationToken.None);
        return store;
    }

    /// <summary>A batch of an engine holding <paramref name="token"/>: t0 starts, with its event.</summary>
    private static StateChanges Fenced(long token, string owner = "engine-a", int minute = 5)
    {
        var transition = Transition("t0", TaskState.Ready, TaskState.Implementing, TaskTrigger.Start, 1, minute);
        var changes = Changes(null, [Task("t0", 0, state: TaskState.Implementing) with { Attempt = 1, LeaseOwner = owner, LeaseExpiresAt = Created.AddMinutes(minute), FencingToken = token }], [transition]);
        changes.FencingTokens["wf-1"] = token;
        return changes;
    }

    [Fact]
    public async Task AcquireLease_FreeWorkflow_StoresOwnerExpiryAndTheNextToken()
    {
        var store = await StoreWithWorkflowAsync();
        var time = new FakeTimeProvider(Created);

        var lease = await store.AcquireLeaseAsync(Claim("engine-a", time), CancellationToken.None);

        Assert.Equal(new WorkflowLease("wf-1", "engine-a", 1, Created + LeaseTime), lease);
        var stored = (await store.GetWorkflowAsync("wf-1", CancellationToken.None))!;
        Assert.Equal(("engine-a", Created + LeaseTime, 1L), (stored.LeaseOwner, stored.LeaseExpiresAt, stored.FencingToken));
    }

    [Fact]
    public async Task AcquireLease_HeldByAnotherOwner_IsRefusedNamingTheHolderAndChangesNothing()
    {
        var store = await StoreWithWorkflowAsync();
        var time = new FakeTimeProvider(Created);
        await store.AcquireLeaseAsync(Claim("engine-a", time), CancellationToken.None);
        time.Advance(LeaseTime - TimeSpan.FromSeconds(1));

        var ex = await Assert.ThrowsAsync<LeaseHeldException>(() => store.AcquireLeaseAsync(Claim("engine-b", time), CancellationToken.None));
        var wrongTakeOver = await Assert.ThrowsAsync<LeaseHeldException>(() => store.AcquireLeaseAsync(Claim("engine-b", time, takeOver: 7), CancellationToken.None));

        Assert.Equal(new WorkflowLease("wf-1", "engine-a", 1, Created + LeaseTime), ex.Current);
        Assert.Contains("engine-a", ex.Message, StringComparison.Ordinal);
        Assert.Contains("wf-1", wrongTakeOver.Message, StringComparison.Ordinal);
        Assert.Equal(("engine-a", 1L), ((await store.GetWorkflowAsync("wf-1", CancellationToken.None))!.LeaseOwner, (await store.GetWorkflowAsync("wf-1", CancellationToken.None))!.FencingToken));
    }

    [Fact]
    public async Task AcquireLease_AfterExpiryOrWithTheDeadHoldersToken_IsTakenOverWithANewToken()
    {
        var store = await StoreWithWorkflowAsync();
        var time = new FakeTimeProvider(Created);
        await store.AcquireLeaseAsync(Claim("engine-a", time), CancellationToken.None);
        time.Advance(LeaseTime);

        var expired = await store.AcquireLeaseAsync(Claim("engine-b", time), CancellationToken.None);
        var takenOver = await store.AcquireLeaseAsync(Claim("engine-c", time, takeOver: 2), CancellationToken.None);
        var again = await store.AcquireLeaseAsync(Claim("engine-c", time), CancellationToken.None);

        Assert.Equal(("engine-b", 2L), (expired.Owner, expired.Token));
        Assert.Equal(("engine-c", 3L), (takenOver.Owner, takenOver.Token));
        Assert.Equal(4L, again.Token);
    }

    [Fact]
    public async Task AcquireLease_UnknownWorkflow_IsRefused()
    {
        var store = await CreateStoreAsync(CancellationToken.None);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.AcquireLeaseAsync(Claim("engine-a", new FakeTimeProvider(Created), workflowId: "nope"), CancellationToken.None));

        Assert.Contains("'nope'", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.AcquireLeaseAsync(null!, CancellationToken.None));
    }

    [Fact]
    public async Task Commit_WithTheCurrentToken_IsAppliedWithTheTaskLease()
    {
        var store = await StoreWithWorkflowAsync();
        var lease = await store.AcquireLeaseAsync(Claim("engine-a", new FakeTimeProvider(Created)), CancellationToken.None);

        await store.CommitAsync(Fenced(lease.Token), CancellationToken.None);

        var task = (await store.GetTaskAsync("wf-1", "t0", CancellationToken.None))!;
        Assert.Equal((TaskState.Implementing, "engine-a", Created.AddMinutes(5), 1L), (task.State, task.LeaseOwner, task.LeaseExpiresAt, task.FencingToken));
    }

    [Fact]
    public async Task Commit_WithAStaleToken_IsRefusedNamingBothTokensAndChangesNothing()
    {
        var store = await StoreWithWorkflowAsync();
        var time = new FakeTimeProvider(Created);
        var first = await store.AcquireLeaseAsync(Claim("engine-a", time), CancellationToken.None);
        time.Advance(LeaseTime + TimeSpan.FromSeconds(1));
        await store.AcquireLeaseAsync(Claim("engine-b", time), CancellationToken.None);
        var stale = Fenced(first.Token);
        stale.Workflows.Add(Workflow(status: WorkflowStatus.Running));
        var before = await store.GetTasksAsync("wf-1", CancellationToken.None);
        var eventsBefore = await store.ReadEventsAsync(new EventLogQuery(), CancellationToken.None);

        var ex = await Assert.ThrowsAsync<LeaseLostException>(() => store.CommitAsync(stale, CancellationToken.None));

        Assert.Equal(("wf-1", 1L, 2L, "engine-b"), (ex.WorkflowId, ex.HeldToken, ex.CurrentToken, ex.CurrentOwner));
        Assert.Contains("token 1", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before.Select(t => (t.TaskId, t.State, t.Attempt, t.LeaseOwner)), (await store.GetTasksAsync("wf-1", CancellationToken.None)).Select(t => (t.TaskId, t.State, t.Attempt, t.LeaseOwner)));
        Assert.Empty(await store.GetTransitionsAsync("wf-1", null, CancellationToken.None));
        Assert.Equal(eventsBefore, await store.ReadEventsAsync(new EventLogQuery(), CancellationToken.None));
        Assert.Equal(WorkflowStatus.Created, (await store.GetWorkflowAsync("wf-1", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Commit_LaterWorkflowRecord_KeepsTheStoredLease()
    {
        var store = await StoreWithWorkflowAsync();
        var lease = await store.AcquireLeaseAsync(Claim("engine-a", new FakeTimeProvider(Created)), CancellationToken.None);
        var changes = Changes([Workflow(status: WorkflowStatus.Running)]);
        changes.FencingTokens["wf-1"] = lease.Token;

        await store.CommitAsync(changes, CancellationToken.None);

        var stored = (await store.GetWorkflowAsync("wf-1", CancellationToken.None))!;
        Assert.Equal((WorkflowStatus.Running, "engine-a", 1L), (stored.Status, stored.LeaseOwner, stored.FencingToken));
    }

    [Fact]
    public async Task Commit_NewWorkflowWithALease_StoresTheLeaseOfItsRecord()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var changes = Changes([Workflow() with { LeaseOwner = "engine-a", LeaseExpiresAt = Created + LeaseTime, FencingToken = 1 }], [Task("t0", 0)]);
        changes.FencingTokens["wf-1"] = 1;

        await store.CommitAsync(changes, CancellationToken.None);

        var time = new FakeTimeProvider(Created);
        await Assert.ThrowsAsync<LeaseHeldException>(() => store.AcquireLeaseAsync(Claim("engine-b", time), CancellationToken.None));
        Assert.Equal(1L, (await store.GetWorkflowAsync("wf-1", CancellationToken.None))!.FencingToken);
    }

    /// <summary>Two engines creating one id at the same instant both carry token 1; only the first creation stands.</summary>
    [Fact]
    public async Task Commit_CreatingAWorkflowAlreadyStored_IsRefusedNamingItAndStoresNothingOfTheBatch()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Creation(Workflow(), "engine-a", [Task("t0", 0)]), CancellationToken.None);
        var second = Creation(Workflow() with { Name = "second" }, "engine-b", [Task("t0", 0) with { Title = "second" }, Task("t9", 9)]);
        var other = Creation(Workflow("wf-2"), "engine-b", [Task("t0", 0, workflowId: "wf-2")]);
        second.Workflows.AddRange(other.Workflows);
        second.Tasks.AddRange(other.Tasks);
        second.Events.AddRange(other.Events);
        second.CreatedWorkflows.AddRange(other.CreatedWorkflows);
        second.FencingTokens["wf-2"] = 1;

        var refused = await Assert.ThrowsAsync<WorkflowExistsException>(() => store.CommitAsync(second, CancellationToken.None));

        Assert.Equal("wf-1", refused.WorkflowId);
        Assert.Contains("'wf-1'", refused.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<AgentManagerException>(refused);
        var stored = (await store.GetWorkflowAsync("wf-1", CancellationToken.None))!;
        Assert.Equal(("nightly build", "engine-a", 1L), (stored.Name, stored.LeaseOwner, stored.FencingToken));
        Assert.Equal(["Task t0"], (await store.GetTasksAsync("wf-1", CancellationToken.None)).Select(t => t.Title));
        Assert.Null(await store.GetWorkflowAsync("wf-2", CancellationToken.None));
        var log = await store.ReadEventsAsync(new EventLogQuery { Limit = 100 }, CancellationToken.None);
        Assert.Equal(["wf-1"], log.Select(e => e.WorkflowId));
    }

    [Fact]
    public async Task Commit_CreatingAWorkflowAfterItsIdWasDeleted_IsApplied()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Creation(Workflow(status: WorkflowStatus.Completed), "engine-a", [Task("t0", 0)]), CancellationToken.None);
        Assert.True(await store.DeleteWorkflowAsync("wf-1", CancellationToken.None));

        await store.CommitAsync(Creation(Workflow(), "engine-b", [Task("t0", 0)]), CancellationToken.None);

        var stored = (await store.GetWorkflowAsync("wf-1", CancellationToken.None))!;
        Assert.Equal((WorkflowStatus.Created, "engine-b"), (stored.Status, stored.LeaseOwner));
    }

    /// <summary>The batch an engine commits when it creates a workflow: the record with the engine's first lease,
    /// the tasks, the created event, and the workflow listed as created.</summary>
    private static StateChanges Creation(WorkflowRecord workflow, string owner, TaskRecord[] tasks)
    {
        var changes = Changes([workflow with { LeaseOwner = owner, LeaseExpiresAt = Created + LeaseTime, FencingToken = 1 }], tasks);
        changes.Events.Add(new WorkflowEvent(EventTypes.WorkflowCreated, workflow.WorkflowId, Created));
        changes.CreatedWorkflows.Add(workflow.WorkflowId);
        changes.FencingTokens[workflow.WorkflowId] = 1;
        return changes;
    }

    [Fact]
    public async Task RenewLeases_HeldAndLostLeases_ExtendsTheHeldOnesWithTheirRunningTasksAndReportsTheLost()
    {
        var store = await StoreWithWorkflowAsync();
        await store.CommitAsync(Changes([Workflow("wf-2")]), CancellationToken.None);
        var time = new FakeTimeProvider(Created);
        var held = await store.AcquireLeaseAsync(Claim("engine-a", time), CancellationToken.None);
        await store.CommitAsync(Fenced(held.Token), CancellationToken.None);
        var lost = await store.AcquireLeaseAsync(Claim("engine-a", time, workflowId: "wf-2"), CancellationToken.None);
        time.Advance(LeaseTime);
        await store.AcquireLeaseAsync(Claim("engine-b", time, workflowId: "wf-2"), CancellationToken.None);
        var renewedUntil = time.GetUtcNow() + LeaseTime;

        var reported = await store.RenewLeasesAsync([held, lost], renewedUntil, CancellationToken.None);

        Assert.Equal(["wf-2"], reported);
        Assert.Equal(renewedUntil, (await store.GetWorkflowAsync("wf-1", CancellationToken.None))!.LeaseExpiresAt);
        Assert.Equal(renewedUntil, (await store.GetTaskAsync("wf-1", "t0", CancellationToken.None))!.LeaseExpiresAt);
        Assert.Null((await store.GetTaskAsync("wf-1", "t1", CancellationToken.None))!.LeaseExpiresAt);
        Assert.Equal("engine-b", (await store.GetWorkflowAsync("wf-2", CancellationToken.None))!.LeaseOwner);
        Assert.Empty(await store.RenewLeasesAsync([], renewedUntil, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.RenewLeasesAsync(null!, renewedUntil, CancellationToken.None));
    }

    [Fact]
    public async Task ReleasedLease_AtFinish_IsFreeForAnotherOwnerAtOnce()
    {
        var store = await StoreWithWorkflowAsync();
        var time = new FakeTimeProvider(Created);
        var lease = await store.AcquireLeaseAsync(Claim("engine-a", time), CancellationToken.None);
        await store.CommitAsync(Fenced(lease.Token), CancellationToken.None);
        var finish = Changes([Workflow(status: WorkflowStatus.Completed) with { FinishedAt = Created.AddMinutes(9) }]);
        finish.FencingTokens["wf-1"] = lease.Token;
        finish.ReleasedLeases.Add("wf-1");

        await store.CommitAsync(finish, CancellationToken.None);

        var stored = (await store.GetWorkflowAsync("wf-1", CancellationToken.None))!;
        Assert.Equal((null, null, 1L), (stored.LeaseOwner, stored.LeaseExpiresAt, stored.FencingToken));
        Assert.Null((await store.GetTaskAsync("wf-1", "t0", CancellationToken.None))!.LeaseOwner);
        Assert.Equal(2L, (await store.AcquireLeaseAsync(Claim("engine-b", time), CancellationToken.None)).Token);
    }

    [Fact]
    public async Task ReleasedLease_WithoutItsToken_IsRefusedAndChangesNothing()
    {
        var store = await StoreWithWorkflowAsync();
        var time = new FakeTimeProvider(Created);
        await store.AcquireLeaseAsync(Claim("engine-a", time), CancellationToken.None);
        var changes = Changes([Workflow(status: WorkflowStatus.Running)]);
        changes.ReleasedLeases.Add("wf-1");

        await Assert.ThrowsAsync<ArgumentException>(() => store.CommitAsync(changes, CancellationToken.None));

        var stored = (await store.GetWorkflowAsync("wf-1", CancellationToken.None))!;
        Assert.Equal((WorkflowStatus.Created, "engine-a"), (stored.Status, stored.LeaseOwner));
    }

    [Fact]
    public async Task UnpublishedEvents_AreReadInCommitOrderUntilMarkedPublished_ByWorkflow()
    {
        var store = await StoreWithWorkflowAsync();
        await store.CommitAsync(Changes([Workflow("wf-2")]), CancellationToken.None);
        var first = Changes(transitions: [Transition("t0", TaskState.Pending, TaskState.Ready, TaskTrigger.DependenciesMet, 0, 1)]);
        first.Events.Add(new WorkflowEvent(EventTypes.WorkflowStarted, "wf-2", Created.AddMinutes(2), "go") { CorrelationId = "run-9" });
        first.Events.Add(new TaskEscalatedEvent("wf-1", "t0", RepairLevel.Repair, "fixer", Created.AddMinutes(3), "L2: fixer takes over"));
        first.Events.Add(new HumanInboxEvent(EventTypes.HumanDecisionRejected, "wf-1", "t0", Created.AddMinutes(4), "not blocked") { DecisionId = "hd-1", Actor = "ana" });
        await store.CommitAsync(first, CancellationToken.None);

        var all = await store.ReadUnpublishedEventsAsync(null, CancellationToken.None);
        var wf1 = await store.ReadUnpublishedEventsAsync("wf-1", CancellationToken.None);

        Assert.Equal(first.Events, all);
        Assert.All(all, e => Assert.Equal(0, e.Sequence));
        Assert.Equal(first.Events.Where(e => e.WorkflowId == "wf-1"), wf1);

        var second = Changes(transitions: [Transition("t0", TaskState.Ready, TaskState.Implementing, TaskTrigger.Start, 1, 5)]);
        second.PublishedWorkflows.Add("wf-1");
        await store.CommitAsync(second, CancellationToken.None);

        Assert.Equal([first.Events[1], second.Events[0]], await store.ReadUnpublishedEventsAsync(null, CancellationToken.None));
        Assert.Empty(await store.ReadUnpublishedEventsAsync("unknown", CancellationToken.None));
    }
}

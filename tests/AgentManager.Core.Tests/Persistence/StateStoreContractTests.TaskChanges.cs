using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.Extensions.Time.Testing;

namespace AgentManager.Tests.Persistence;

/// <summary>Task changes (<see cref="StateChanges.TaskChanges"/>): what a store applies to a stored task after its first
/// record, and what it refuses.</summary>
public abstract partial class StateStoreContractTests
{
    private static TaskStateChange Change(string taskId, TaskState state, int attempt = 1, string workflowId = "wf-1") => new()
    {
        WorkflowId = workflowId,
        TaskId = taskId,
        State = state,
        Attempt = attempt,
        Level = RepairLevel.Retry,
        LevelAttempts = attempt,
    };

    private static StateChanges Changed(params TaskStateChange[] taskChanges)
    {
        var changes = new StateChanges();
        changes.TaskChanges.AddRange(taskChanges);
        return changes;
    }

    [Fact]
    public async Task Commit_TaskChange_ReplacesEveryChangingField_AndKeepsTheFieldsOfTheFirstRecord()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var first = Task("t1", 1) with { Workdir = "/runs/t1" };
        await store.CommitAsync(Changes([Workflow()], [Task("t0", 0), first]), CancellationToken.None);
        var usage = new AgentUsage { InputTokens = 12_345_678_901, OutputTokens = 42, Cost = 0.000123m };
        var change = new TaskStateChange
        {
            WorkflowId = "wf-1",
            TaskId = "t1",
            State = TaskState.BlockedHitl,
            Attempt = 4,
            LastError = "boom",
            LastOutput = "tail",
            StartedAt = Created.AddMinutes(1),
            FinishedAt = Created.AddMinutes(2),
            Level = RepairLevel.Escalation,
            LevelAttempts = 1,
            CurrentAgentId = "manager",
            DeadlineAt = Created.AddHours(8).ToOffset(TimeSpan.FromHours(-5)),
            Usage = usage,
            LeaseOwner = "engine-a",
            LeaseExpiresAt = Created.AddMinutes(3),
            FencingToken = 7,
        };

        await store.CommitAsync(Changed(change), CancellationToken.None);

        var read = (await store.GetTaskAsync("wf-1", "t1", CancellationToken.None))!;
        Assert.Equal(change.ApplyTo(first), read with { Dependencies = first.Dependencies, Resources = first.Resources });
        Assert.Equal(["t0"], read.Dependencies);
        Assert.Equal(["model:x", "workdir:/runs/t1"], read.Resources);
        Assert.Equal(TimeSpan.FromHours(-5), read.DeadlineAt!.Value.Offset);
        Assert.Equal(TaskState.Pending, (await store.GetTaskAsync("wf-1", "t0", CancellationToken.None))!.State);
        Assert.Equal(["t0", "t1"], (await store.GetTasksAsync("wf-1", CancellationToken.None)).Select(t => t.TaskId));
        Assert.Equal(read, (await store.GetTasksAsync("wf-1", CancellationToken.None))[1] with { Dependencies = read.Dependencies, Resources = read.Resources });
    }

    /// <summary>A change is the task's new state, not a delta: what it leaves empty is empty afterwards.</summary>
    [Fact]
    public async Task Commit_TaskChange_ClearsTheFieldsItLeavesEmpty()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var blocked = Task("t0", 0, state: TaskState.BlockedHitl) with
        {
            Attempt = 2,
            LastError = "boom",
            DeadlineAt = Created.AddHours(1),
            CurrentAgentId = "manager",
            Level = RepairLevel.Human,
            Usage = new AgentUsage { InputTokens = 5 },
            LeaseOwner = "engine-a",
            LeaseExpiresAt = Created.AddMinutes(1),
            FencingToken = 3,
        };
        await store.CommitAsync(Changes([Workflow()], [blocked]), CancellationToken.None);

        await store.CommitAsync(Changed(Change("t0", TaskState.Ready, attempt: 2)), CancellationToken.None);

        var read = (await store.GetTaskAsync("wf-1", "t0", CancellationToken.None))!;
        Assert.Equal((TaskState.Ready, 2, RepairLevel.Retry), (read.State, read.Attempt, read.Level));
        Assert.Equal<object?>([null, null, null, null, null, 0L], [read.LastError, read.DeadlineAt, read.CurrentAgentId, read.LeaseOwner, read.LeaseExpiresAt, read.FencingToken]);
        Assert.Equal(AgentUsage.Zero, read.Usage);
    }

    /// <summary>A large batch of changes: each task gets its own.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    public async Task Commit_ManyTaskChangesInOneBatch_AppliesEach(int count)
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow()], Enumerable.Range(0, count).Select(i => Task("t" + i, i))), CancellationToken.None);

        await store.CommitAsync(Changed([.. Enumerable.Range(0, count).Select(i => Change("t" + i, TaskState.Ready, attempt: i) with { LastError = "e" + i })]), CancellationToken.None);

        var read = await store.GetTasksAsync("wf-1", CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, count).Select(i => (TaskState.Ready, i, (string?)("e" + i))), read.Select(t => (t.State, t.Attempt, t.LastError)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    public async Task Commit_TaskChangedTwiceInOneBatch_TheLaterChangeWins(int count)
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow()], Enumerable.Range(0, count).Select(i => Task("t" + i, i))), CancellationToken.None);
        var changes = Changed([.. Enumerable.Range(0, count).Select(i => Change("t" + i, TaskState.Ready, attempt: i))]);
        changes.TaskChanges.Add(Change("t0", TaskState.Implementing, attempt: 9));

        await store.CommitAsync(changes, CancellationToken.None);

        var read = await store.GetTasksAsync("wf-1", CancellationToken.None);
        Assert.Equal((TaskState.Implementing, 9), (read[0].State, read[0].Attempt));
        Assert.Equal(Enumerable.Range(1, count - 1).Select(i => (TaskState.Ready, i)), read.Skip(1).Select(t => (t.State, t.Attempt)));
    }

    /// <summary>A change's ordinal only tells a store where to look first: the task named by its id is the one changed,
    /// whatever ordinal the change carries, and every task keeps its stored ordinal.</summary>
    [Theory]
    [InlineData(0)] // another task's
    [InlineData(1)] // its own
    [InlineData(-1)]
    [InlineData(99)]
    public async Task Commit_TaskChange_ChangesTheTaskItNames_WhateverOrdinalItCarries(int ordinal)
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow()], [Task("t0", 0), Task("t1", 1), Task("t2", 2)]), CancellationToken.None);

        await store.CommitAsync(Changed(Change("t1", TaskState.Completed, attempt: 3) with { Ordinal = ordinal }), CancellationToken.None);

        var read = await store.GetTasksAsync("wf-1", CancellationToken.None);
        Assert.Equal(
            [("t0", 0, TaskState.Pending, 0), ("t1", 1, TaskState.Completed, 3), ("t2", 2, TaskState.Pending, 0)],
            read.Select(t => (t.TaskId, t.Ordinal, t.State, t.Attempt)));
    }

    /// <summary>A change of a task not stored is refused even when its ordinal is a stored task's.</summary>
    [Fact]
    public async Task Commit_ChangeOfATaskNotStored_CarryingAStoredTasksOrdinal_IsRefused_AndChangesNothing()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow()], [Task("t0", 0), Task("t1", 1)]), CancellationToken.None);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(
            () => store.CommitAsync(Changed(Change("t9", TaskState.Completed) with { Ordinal = 1 }), CancellationToken.None));

        Assert.Contains("'t9'", refused.Message, StringComparison.Ordinal);
        Assert.All(await store.GetTasksAsync("wf-1", CancellationToken.None), t => Assert.Equal(TaskState.Pending, t.State));
    }

    [Fact]
    public async Task Commit_ChangeOfATaskNotStoredAmongManyChanges_ThrowsNamingIt_AndAppliesNoneOfThem()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow()], Enumerable.Range(0, 40).Select(i => Task("t" + i, i))), CancellationToken.None);
        var changes = Changed([.. Enumerable.Range(0, 40).Select(i => Change(i == 5 ? "ghost" : "t" + i, TaskState.Ready, attempt: i))]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync(changes, CancellationToken.None));

        Assert.Contains("'ghost'", error.Message, StringComparison.Ordinal);
        Assert.All(await store.GetTasksAsync("wf-1", CancellationToken.None), t => Assert.Equal(TaskState.Pending, t.State));
    }

    [Fact]
    public async Task Commit_ChangeOfATaskFirstRecordedInTheSameBatch_IsAppliedAfterTheRecord()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var changes = Changes([Workflow()], [Task("t0", 0)]);
        changes.TaskChanges.Add(Change("t0", TaskState.Ready, attempt: 0));

        await store.CommitAsync(changes, CancellationToken.None);

        var read = (await store.GetTaskAsync("wf-1", "t0", CancellationToken.None))!;
        Assert.Equal((TaskState.Ready, "Task t0", 0), (read.State, read.Title, read.Ordinal));
    }

    [Theory]
    [InlineData("wf-1", "ghost")]
    [InlineData("ghost", "t0")]
    public async Task Commit_ChangeOfATaskNotStored_ThrowsNamingIt_AndStoresNothingOfTheBatch(string workflowId, string taskId)
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow()], [Task("t0", 0), Task("t1", 1)]), CancellationToken.None);
        var transition = Transition("t0", TaskState.Pending, TaskState.Ready, TaskTrigger.DependenciesMet, 0, 1);
        var changes = Changes(
            [Workflow(status: WorkflowStatus.Running)],
            [Task("t1", 1, state: TaskState.Cancelled)],
            [transition]);
        changes.TaskChanges.Add(Change("t0", TaskState.Ready, attempt: 0));
        changes.TaskChanges.Add(Change(taskId, TaskState.Ready, workflowId: workflowId));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync(changes, CancellationToken.None));

        Assert.Contains($"'{taskId}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was stored", error.Message, StringComparison.Ordinal);
        Assert.Equal([TaskState.Pending, TaskState.Pending], (await store.GetTasksAsync("wf-1", CancellationToken.None)).Select(t => t.State));
        Assert.Equal(WorkflowStatus.Created, (await store.GetWorkflowAsync("wf-1", CancellationToken.None))!.Status);
        Assert.Empty(await store.GetTransitionsAsync("wf-1", null, CancellationToken.None));
        Assert.Empty(await store.ReadEventsAsync(new EventLogQuery(), CancellationToken.None));
        Assert.Null(await store.GetTaskAsync("wf-1", "ghost", CancellationToken.None));
    }

    [Fact]
    public async Task Commit_ChangeNamingNoTask_IsRefusedAndStoresNothingOfTheBatch()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow()], [Task("t0", 0)]), CancellationToken.None);
        var changes = Changed(Change("t0", TaskState.Ready, attempt: 0), default);

        await Assert.ThrowsAsync<ArgumentException>(() => store.CommitAsync(changes, CancellationToken.None));

        Assert.Equal(TaskState.Pending, (await store.GetTaskAsync("wf-1", "t0", CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Commit_TaskChangeOfALostLease_IsRefusedLikeAnyWriteOfIt()
    {
        var store = await StoreWithWorkflowAsync();
        var time = new FakeTimeProvider(Created);
        await store.AcquireLeaseAsync(Claim("engine-a", time), CancellationToken.None);
        var changes = Changed(Change("t0", TaskState.Ready, attempt: 0));
        changes.FencingTokens["wf-1"] = 5;

        await Assert.ThrowsAsync<LeaseLostException>(() => store.CommitAsync(changes, CancellationToken.None));

        Assert.Equal(TaskState.Pending, (await store.GetTaskAsync("wf-1", "t0", CancellationToken.None))!.State);
    }

    /// <summary>The lease a change gives a running task is renewed with the workflow's and released with it.</summary>
    [Fact]
    public async Task Commit_TaskChangeWithALease_IsRenewedAndReleasedWithTheWorkflowLease()
    {
        var store = await StoreWithWorkflowAsync();
        var time = new FakeTimeProvider(Created);
        var lease = await store.AcquireLeaseAsync(Claim("engine-a", time), CancellationToken.None);
        var start = Changed(Change("t0", TaskState.Implementing) with { LeaseOwner = "engine-a", LeaseExpiresAt = lease.ExpiresAt, FencingToken = lease.Token });
        start.FencingTokens["wf-1"] = lease.Token;
        start.Events.Add(Transition("t0", TaskState.Ready, TaskState.Implementing, TaskTrigger.Start, 1, 1));
        await store.CommitAsync(start, CancellationToken.None);
        var renewedUntil = Created.AddMinutes(10);

        Assert.Empty(await store.RenewLeasesAsync([lease], renewedUntil, CancellationToken.None));
        var renewed = (await store.GetTaskAsync("wf-1", "t0", CancellationToken.None))!;
        var release = new StateChanges();
        release.FencingTokens["wf-1"] = lease.Token;
        release.ReleasedLeases.Add("wf-1");
        await store.CommitAsync(release, CancellationToken.None);
        var released = (await store.GetTaskAsync("wf-1", "t0", CancellationToken.None))!;

        Assert.Equal(("engine-a", renewedUntil, lease.Token), (renewed.LeaseOwner, renewed.LeaseExpiresAt!.Value, renewed.FencingToken));
        Assert.Equal<object?>([null, null, TaskState.Implementing], [released.LeaseOwner, released.LeaseExpiresAt, released.State]);
        Assert.Null((await store.GetTaskAsync("wf-1", "t1", CancellationToken.None))!.LeaseOwner);
    }
}

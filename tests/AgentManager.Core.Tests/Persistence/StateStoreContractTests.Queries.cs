using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;

namespace AgentManager.Tests.Persistence;

/// <summary>Pages of workflows, task counts and the tasks in one state: what the inbox, the HTTP lists and schedule
/// recovery read instead of every workflow and task a store keeps.</summary>
public abstract partial class StateStoreContractTests
{
    /// <summary>Commits one workflow per commit, so that the commit order is the order given.</summary>
    private static async Task CommitEachAsync(IStateStore store, params (string Id, WorkflowStatus Status)[] workflows)
    {
        foreach (var (id, status) in workflows)
        {
            await store.CommitAsync(Changes([Workflow(id, status)]), CancellationToken.None);
        }
    }

    [Fact]
    public async Task QueryWorkflows_StatusFilter_ListsTheMatchingOldestFirstWithTheirTotal()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await CommitEachAsync(store, ("done", WorkflowStatus.Completed), ("new", WorkflowStatus.Created), ("busy", WorkflowStatus.Running), ("broke", WorkflowStatus.Failed), ("later", WorkflowStatus.Created));
        await store.CommitAsync(Changes([Workflow("new", WorkflowStatus.Running)]), CancellationToken.None);

        var unfinished = await store.QueryWorkflowsAsync(WorkflowQuery.Unfinished, CancellationToken.None);
        var finished = await store.QueryWorkflowsAsync(new WorkflowQuery { Statuses = [WorkflowStatus.Failed, WorkflowStatus.Completed, WorkflowStatus.Failed] }, CancellationToken.None);
        var all = await store.QueryWorkflowsAsync(new WorkflowQuery(), CancellationToken.None);
        var none = await store.QueryWorkflowsAsync(new WorkflowQuery { Statuses = [] }, CancellationToken.None);

        Assert.Equal(["new", "busy", "later"], unfinished.Workflows.Select(w => w.WorkflowId));
        Assert.Equal(3, unfinished.Total);
        Assert.Equal((WorkflowStatus.Running, "nightly build", "platform"), (unfinished.Workflows[0].Status, unfinished.Workflows[0].Name, unfinished.Workflows[0].Metadata["team"]));
        Assert.Equal(["done", "broke"], finished.Workflows.Select(w => w.WorkflowId));
        Assert.Equal(2, finished.Total);
        Assert.Equal(["done", "new", "busy", "broke", "later"], all.Workflows.Select(w => w.WorkflowId));
        Assert.Equal(5, all.Total);
        Assert.Equal((0, 0), (none.Workflows.Count, none.Total));
    }

    [Theory]
    [InlineData(0, 2, new[] { "w0", "w1" })]
    [InlineData(2, 2, new[] { "w2", "w3" })]
    [InlineData(4, 2, new[] { "w4" })]
    [InlineData(5, 2, new string[0])]
    [InlineData(9, null, new string[0])]
    [InlineData(3, null, new[] { "w3", "w4" })]
    [InlineData(1, 0, new string[0])]
    public async Task QueryWorkflows_Page_SkipsOffsetAndTakesLimitAndCountsEveryMatch(int offset, int? limit, string[] expected)
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await CommitEachAsync(store, [.. Enumerable.Range(0, 5).Select(i => ("w" + i, WorkflowStatus.Running))]);
        await CommitEachAsync(store, ("finished", WorkflowStatus.Cancelled));

        var page = await store.QueryWorkflowsAsync(new WorkflowQuery { Statuses = [WorkflowStatus.Running], Offset = offset, Limit = limit }, CancellationToken.None);

        Assert.Equal(expected, page.Workflows.Select(w => w.WorkflowId));
        Assert.Equal(5, page.Total);
    }

    [Fact]
    public async Task QueryWorkflows_MalformedQuery_IsRefusedNamingTheValueAndTheRule()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await CommitEachAsync(store, ("w0", WorkflowStatus.Running));

        await Assert.ThrowsAsync<ArgumentNullException>(() => store.QueryWorkflowsAsync(null!, CancellationToken.None));
        var offset = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.QueryWorkflowsAsync(new WorkflowQuery { Offset = -1 }, CancellationToken.None));
        var limit = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.QueryWorkflowsAsync(new WorkflowQuery { Limit = -5 }, CancellationToken.None));
        var status = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.QueryWorkflowsAsync(new WorkflowQuery { Statuses = [WorkflowStatus.Running, (WorkflowStatus)42] }, CancellationToken.None));

        Assert.Equal(("Offset", -1), (offset.ParamName, offset.ActualValue));
        Assert.Contains("0 or more", offset.Message, StringComparison.Ordinal);
        Assert.Equal(("Limit", (object?)-5), (limit.ParamName, limit.ActualValue));
        Assert.Equal("Statuses", status.ParamName);
        Assert.Contains("42 is not defined", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CountTasks_GivenWorkflows_CountsEachWorkflowsTasksByStateAsChangesLeaveThem()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(
            Changes(
                [Workflow("wf-1", WorkflowStatus.Running), Workflow("wf-2", WorkflowStatus.Running), Workflow("empty", WorkflowStatus.Created)],
                [Task("t0", 0, state: TaskState.Completed), Task("t1", 1, state: TaskState.Ready), Task("t2", 2, state: TaskState.Ready), Task("b0", 0, "wf-2", TaskState.BlockedHitl)]),
            CancellationToken.None);
        await store.CommitAsync(Changed(Change("t2", TaskState.Implementing)), CancellationToken.None);

        var some = await store.CountTasksAsync(["wf-1", "unknown", "empty", "wf-1"], CancellationToken.None);
        var every = await store.CountTasksAsync(null, CancellationToken.None);

        Assert.Equal(
            [("wf-1", TaskState.Ready, 1), ("wf-1", TaskState.Implementing, 1), ("wf-1", TaskState.Completed, 1)],
            some.Select(c => (c.WorkflowId, c.State, c.Count)).OrderBy(c => c.State));
        Assert.Equal(
            [("wf-1", TaskState.Ready, 1), ("wf-1", TaskState.Implementing, 1), ("wf-1", TaskState.Completed, 1), ("wf-2", TaskState.BlockedHitl, 1)],
            every.Select(c => (c.WorkflowId, c.State, c.Count)).OrderBy(c => c.WorkflowId, StringComparer.Ordinal).ThenBy(c => c.State));
        Assert.Empty(await store.CountTasksAsync([], CancellationToken.None));
    }

    [Fact]
    public async Task CountTasks_ManyTasksInOneState_AreOneCount()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow()], [.. Enumerable.Range(0, 40).Select(i => Task("t" + i, i, state: i < 30 ? TaskState.Pending : TaskState.Failed))]), CancellationToken.None);

        var counts = await store.CountTasksAsync(["wf-1"], CancellationToken.None);

        Assert.Equal([(TaskState.Pending, 30), (TaskState.Failed, 10)], counts.Select(c => (c.State, c.Count)).OrderBy(c => c.State));
    }

    /// <summary>Only the tasks in the state are read, whole, grouped by workflow in the order asked and in ordinal order
    /// within each; a task that a later change moved out of the state is not read, one moved into it is.</summary>
    [Fact]
    public async Task GetTasksInState_ReadsTheMatchingTasksWholeByWorkflowThenOrdinal()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(
            Changes(
                [Workflow("wf-1", WorkflowStatus.Running), Workflow("wf-2", WorkflowStatus.Running)],
                [
                    Task("t0", 0, state: TaskState.Completed), Task("t1", 1, state: TaskState.BlockedHitl), Task("t2", 2, state: TaskState.Ready),
                    Task("t3", 3, state: TaskState.BlockedHitl), Task("b0", 0, "wf-2", TaskState.BlockedHitl), Task("b1", 1, "wf-2", TaskState.Pending),
                ]),
            CancellationToken.None);
        await store.CommitAsync(Changed(Change("t2", TaskState.BlockedHitl, attempt: 3), Change("t3", TaskState.Ready)), CancellationToken.None);

        var blocked = await store.GetTasksInStateAsync(["wf-2", "unknown", "wf-1", "wf-2"], TaskState.BlockedHitl, CancellationToken.None);

        Assert.Equal([("wf-2", "b0"), ("wf-1", "t1"), ("wf-1", "t2")], blocked.Select(t => (t.WorkflowId, t.TaskId)));
        var t1 = blocked[1];
        Assert.Equal((1, "Task t1", 10, "worker", "t0", "model:x,workdir:/runs/t1"), (t1.Ordinal, t1.Title, t1.Priority, t1.AgentId, string.Join(",", t1.Dependencies), string.Join(",", t1.Resources)));
        Assert.Equal(3, blocked[2].Attempt);
        Assert.Empty(await store.GetTasksInStateAsync(["wf-1", "wf-2"], TaskState.Verifying, CancellationToken.None));
        Assert.Empty(await store.GetTasksInStateAsync([], TaskState.BlockedHitl, CancellationToken.None));
    }

    [Fact]
    public async Task GetTasksInState_NoWorkflowsOrAnUndefinedState_IsRefused()
    {
        var store = await CreateStoreAsync(CancellationToken.None);

        await Assert.ThrowsAsync<ArgumentNullException>(() => store.GetTasksInStateAsync(null!, TaskState.Ready, CancellationToken.None));
        var state = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.GetTasksInStateAsync(["wf-1"], (TaskState)99, CancellationToken.None));

        Assert.Equal("state", state.ParamName);
        Assert.Contains("99 is not defined", state.Message, StringComparison.Ordinal);
    }
}

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

    /// <summary>Only the tasks in the states are read, whole, grouped by workflow in the order asked and in ordinal order
    /// within each; a task that a later change moved out of a state is not read, one moved into it is.</summary>
    [Fact]
    public async Task QueryTasks_StateFilter_ReadsTheMatchingTasksWholeByWorkflowThenOrdinal()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await CommitTwoWorkflowsAsync(store);

        var blocked = await store.QueryTasksAsync(new TaskQuery { WorkflowIds = ["wf-2", "unknown", "wf-1", "wf-2"], States = [TaskState.BlockedHitl] }, CancellationToken.None);
        var twoStates = await store.QueryTasksAsync(new TaskQuery { WorkflowIds = ["wf-1"], States = [TaskState.Ready, TaskState.Completed, TaskState.Ready] }, CancellationToken.None);
        var every = await store.QueryTasksAsync(new TaskQuery { WorkflowIds = ["wf-1", "wf-2"] }, CancellationToken.None);

        Assert.Equal([("wf-2", "b0"), ("wf-1", "t1"), ("wf-1", "t2")], blocked.Tasks.Select(t => (t.WorkflowId, t.TaskId)));
        Assert.Equal(3, blocked.Total);
        var t1 = blocked.Tasks[1];
        Assert.Equal((1, "Task t1", 10, "worker", "t0", "model:x,workdir:/runs/t1"), (t1.Ordinal, t1.Title, t1.Priority, t1.AgentId, string.Join(",", t1.Dependencies), string.Join(",", t1.Resources)));
        Assert.Equal(3, blocked.Tasks[2].Attempt);
        Assert.Equal(["t0", "t3"], twoStates.Tasks.Select(t => t.TaskId));
        Assert.Equal(["t0", "t1", "t2", "t3", "b0", "b1"], every.Tasks.Select(t => t.TaskId));
        Assert.Equal(6, every.Total);
        Assert.Empty((await store.QueryTasksAsync(new TaskQuery { WorkflowIds = ["wf-1", "wf-2"], States = [TaskState.Verifying] }, CancellationToken.None)).Tasks);
        var none = await store.QueryTasksAsync(new TaskQuery { WorkflowIds = ["wf-1"], States = [] }, CancellationToken.None);
        Assert.Equal((0, 0), (none.Tasks.Count, none.Total));
        Assert.Equal(0, (await store.QueryTasksAsync(new TaskQuery { WorkflowIds = [] }, CancellationToken.None)).Total);
    }

    /// <summary>A page runs across workflows in the order asked: the offset skips the matching tasks of the first ones,
    /// the limit stops in a later one, and the total counts every match on every page.</summary>
    [Theory]
    [InlineData(0, 2, new[] { "b0", "b1" })]
    [InlineData(1, 2, new[] { "b1", "t0" })]
    [InlineData(2, 3, new[] { "t0", "t1", "t2" })]
    [InlineData(5, null, new[] { "t3" })]
    [InlineData(6, 1, new string[0])]
    [InlineData(3, 0, new string[0])]
    public async Task QueryTasks_Page_RunsAcrossWorkflowsInTheOrderAsked(int offset, int? limit, string[] expected)
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await CommitTwoWorkflowsAsync(store);

        var page = await store.QueryTasksAsync(new TaskQuery { WorkflowIds = ["wf-2", "wf-1"], Offset = offset, Limit = limit }, CancellationToken.None);

        Assert.Equal(expected, page.Tasks.Select(t => t.TaskId));
        Assert.Equal(6, page.Total);
    }

    [Fact]
    public async Task QueryTasks_MalformedQuery_IsRefusedNamingTheValueAndTheRule()
    {
        var store = await CreateStoreAsync(CancellationToken.None);

        await Assert.ThrowsAsync<ArgumentNullException>(() => store.QueryTasksAsync(null!, CancellationToken.None));
        var ids = await Assert.ThrowsAsync<ArgumentNullException>(() => store.QueryTasksAsync(new TaskQuery { WorkflowIds = null! }, CancellationToken.None));
        var nullId = await Assert.ThrowsAsync<ArgumentNullException>(() => store.QueryTasksAsync(new TaskQuery { WorkflowIds = ["wf-1", null!] }, CancellationToken.None));
        var state = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.QueryTasksAsync(new TaskQuery { WorkflowIds = ["wf-1"], States = [(TaskState)99] }, CancellationToken.None));
        var offset = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.QueryTasksAsync(new TaskQuery { WorkflowIds = ["wf-1"], Offset = -2 }, CancellationToken.None));
        var limit = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.QueryTasksAsync(new TaskQuery { WorkflowIds = ["wf-1"], Limit = -1 }, CancellationToken.None));

        Assert.Equal("WorkflowIds WorkflowIds States Offset Limit", string.Join(" ", ids.ParamName, nullId.ParamName, state.ParamName, offset.ParamName, limit.ParamName));
        Assert.Contains("99 is not defined", state.Message, StringComparison.Ordinal);
        Assert.Contains("0 or more", offset.Message, StringComparison.Ordinal);
    }

    /// <summary>wf-1: t0 completed, t1 blocked, t2 moved from ready to blocked (attempt 3), t3 moved from blocked to
    /// ready; wf-2: b0 blocked, b1 pending.</summary>
    private static async Task CommitTwoWorkflowsAsync(IStateStore store)
    {
        await store.CommitAsync(
            Changes(
                [Workflow("wf-1", WorkflowStatus.Running), Workflow("wf-2", WorkflowStatus.Running)],
                [
                    Task("t0", 0, state: TaskState.Completed), Task("t1", 1, state: TaskState.BlockedHitl), Task("t2", 2, state: TaskState.Ready),
                    Task("t3", 3, state: TaskState.BlockedHitl), Task("b0", 0, "wf-2", TaskState.BlockedHitl), Task("b1", 1, "wf-2", TaskState.Pending),
                ]),
            CancellationToken.None);
        await store.CommitAsync(Changed(Change("t2", TaskState.BlockedHitl, attempt: 3), Change("t3", TaskState.Ready)), CancellationToken.None);
    }
}

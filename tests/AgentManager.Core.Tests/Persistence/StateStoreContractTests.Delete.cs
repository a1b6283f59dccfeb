using AgentManager.Events;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;

namespace AgentManager.Tests.Persistence;

public abstract partial class StateStoreContractTests
{
    private async Task<IStateStore> TwoWorkflowsAsync(WorkflowStatus status)
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        foreach (var id in new[] { "gone", "kept" })
        {
            var changes = Changes(
                [Workflow(id, status) with { FinishedAt = status.IsFinished() ? Created.AddHours(1) : null }],
                [Task("t0", 0, id), Task("t1", 1, id)],
                [Transition("t0", TaskState.Pending, TaskState.Ready, TaskTrigger.DependenciesMet, 0, 1, id)]);
            changes.Events.Add(new WorkflowEvent(EventTypes.WorkflowCreated, id, Created) { CorrelationId = "req-" + id });
            await store.CommitAsync(changes, CancellationToken.None);
            await store.EnqueueDecisionAsync(Decision("d-" + id, id), CancellationToken.None);
        }

        return store;
    }

    [Theory]
    [InlineData(WorkflowStatus.Completed)]
    [InlineData(WorkflowStatus.Failed)]
    [InlineData(WorkflowStatus.Cancelled)]
    public async Task DeleteWorkflow_Finished_RemovesItWithItsHistoryAndKeepsTheOthers(WorkflowStatus status)
    {
        var store = await TwoWorkflowsAsync(status);

        Assert.True(await store.DeleteWorkflowAsync("gone", CancellationToken.None));

        Assert.Null(await store.GetWorkflowAsync("gone", CancellationToken.None));
        Assert.Empty(await store.GetTasksAsync("gone", CancellationToken.None));
        Assert.Empty(await store.GetTransitionsAsync("gone", null, CancellationToken.None));
        Assert.Null(await store.GetDecisionAsync("d-gone", CancellationToken.None));
        Assert.Empty(await store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter("gone") }, CancellationToken.None));
        Assert.Equal(["kept"], (await store.ListWorkflowsAsync(CancellationToken.None)).Select(w => w.WorkflowId));
        Assert.Equal(2, (await store.GetTasksAsync("kept", CancellationToken.None)).Count);
        Assert.Single(await store.GetTransitionsAsync("kept", null, CancellationToken.None));
        Assert.NotNull(await store.GetDecisionAsync("d-kept", CancellationToken.None));
        Assert.Equal(2, (await store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter("kept") }, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task DeleteWorkflow_Unknown_ReturnsFalseAndChangesNothing()
    {
        var store = await TwoWorkflowsAsync(WorkflowStatus.Completed);

        Assert.False(await store.DeleteWorkflowAsync("never", CancellationToken.None));
        Assert.False(await store.DeleteWorkflowAsync("gone-too", CancellationToken.None));

        Assert.Equal(2, (await store.ListWorkflowsAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task DeleteWorkflow_Twice_SecondReturnsFalse()
    {
        var store = await TwoWorkflowsAsync(WorkflowStatus.Completed);

        Assert.True(await store.DeleteWorkflowAsync("gone", CancellationToken.None));
        Assert.False(await store.DeleteWorkflowAsync("gone", CancellationToken.None));
    }

    [Theory]
    [InlineData(WorkflowStatus.Created)]
    [InlineData(WorkflowStatus.Running)]
    public async Task DeleteWorkflow_Unfinished_ThrowsNamingTheStatusAndKeepsEverything(WorkflowStatus status)
    {
        var store = await TwoWorkflowsAsync(status);

        var ex = await Assert.ThrowsAsync<WorkflowStateException>(() => store.DeleteWorkflowAsync("gone", CancellationToken.None));

        Assert.Contains($"'gone' is {status.ToWireName()}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(status, ex.Status);
        Assert.NotNull(await store.GetWorkflowAsync("gone", CancellationToken.None));
        Assert.Equal(2, (await store.GetTasksAsync("gone", CancellationToken.None)).Count);
        Assert.Single(await store.GetTransitionsAsync("gone", null, CancellationToken.None));
        Assert.NotNull(await store.GetDecisionAsync("d-gone", CancellationToken.None));
        Assert.Equal(2, (await store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter("gone") }, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task DeleteWorkflow_RunAScheduleCountsAsRunning_ThrowsNamingTheSchedule()
    {
        var store = await TwoWorkflowsAsync(WorkflowStatus.Completed);
        await store.TrySaveScheduleAsync(Schedule("nightly") with { RunningWorkflowId = "gone" }, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<WorkflowStateException>(() => store.DeleteWorkflowAsync("gone", CancellationToken.None));

        Assert.Contains("schedule 'nightly'", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(await store.GetWorkflowAsync("gone", CancellationToken.None));
    }

    [Fact]
    public async Task DeleteWorkflow_NullId_Throws()
    {
        var store = await CreateStoreAsync(CancellationToken.None);

        await Assert.ThrowsAsync<ArgumentNullException>(() => store.DeleteWorkflowAsync(null!, CancellationToken.None));
    }
}

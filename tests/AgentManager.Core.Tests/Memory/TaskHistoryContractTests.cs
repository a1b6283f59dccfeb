using AgentManager.Lifecycle;
using AgentManager.Memory;

namespace AgentManager.Tests.Memory;

/// <summary>The behaviour every <see cref="ITaskHistory"/> must have; <see cref="MemoryCoverageTests"/>
/// checks that every implementation has a subclass.</summary>
public abstract class TaskHistoryContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 6, 7, 0, 0, TimeSpan.FromHours(-3));

    /// <summary>Creates an empty history for one test.</summary>
    protected abstract Task<ITaskHistory> CreateHistoryAsync(CancellationToken cancellationToken);

    protected static TaskOutcome Outcome(string task, int minute, string workflow = "wf-1", string agent = "worker", TaskState status = TaskState.Completed, int attempts = 1) => new()
    {
        WorkflowId = workflow,
        TaskId = task,
        AgentId = agent,
        Status = status,
        Attempts = attempts,
        FinishedAt = T0.AddMinutes(minute),
    };

    private static async Task<string[]> TasksAsync(ITaskHistory history, TaskHistoryQuery query) =>
        (await history.QueryAsync(query, CancellationToken.None)).Select(o => o.TaskId).ToArray();

    private static async Task RecordAllAsync(ITaskHistory history, params TaskOutcome[] outcomes)
    {
        foreach (var outcome in outcomes)
        {
            await history.RecordAsync(outcome, CancellationToken.None);
        }
    }

    [Fact]
    public async Task DeleteWorkflow_RemovesOnlyThatWorkflowsOutcomes_AndReturnsThem()
    {
        var history = await CreateHistoryAsync(CancellationToken.None);
        await RecordAllAsync(history, Outcome("a", 1), Outcome("b", 2, attempts: 2), Outcome("a", 3, workflow: "wf-2"));

        var deleted = await history.DeleteWorkflowAsync("wf-1", CancellationToken.None);

        Assert.Equal([("a", 1), ("b", 2)], deleted.Select(o => (o.TaskId, o.Attempts)).Order());
        Assert.Empty(await history.QueryAsync(new TaskHistoryQuery { WorkflowId = "wf-1" }, CancellationToken.None));
        Assert.Equal(["a"], await TasksAsync(history, new TaskHistoryQuery { WorkflowId = "wf-2" }));
        Assert.Empty(await history.DeleteWorkflowAsync("wf-1", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentNullException>(() => history.DeleteWorkflowAsync(null!, CancellationToken.None));
    }

    [Fact]
    public async Task Record_ThenQuery_ReadsBackEveryField()
    {
        var history = await CreateHistoryAsync(CancellationToken.None);
        var outcome = new TaskOutcome
        {
            WorkflowId = "wf-1",
            TaskId = "build",
            AgentId = "coder",
            Title = "Build it",
            Prompt = "Compile the project.",
            Status = TaskState.Completed,
            Attempts = 2,
            Output = "ok: 12 files",
            Error = "exit code 1: missing semicolon",
            StartedAt = T0,
            FinishedAt = T0.AddMinutes(3),
        };

        await history.RecordAsync(outcome, CancellationToken.None);

        var read = Assert.Single(await history.QueryAsync(new TaskHistoryQuery { WorkflowId = "wf-1" }, CancellationToken.None));
        Assert.Equal(
            (outcome.WorkflowId, outcome.TaskId, outcome.AgentId, outcome.Title, outcome.Prompt, outcome.Status, outcome.Attempts, outcome.Output, outcome.Error),
            (read.WorkflowId, read.TaskId, read.AgentId, read.Title, read.Prompt, read.Status, read.Attempts, read.Output, read.Error));
        Assert.True(read.Repaired);
        Assert.Equal(T0, read.StartedAt);
        Assert.Equal(T0.AddMinutes(3), read.FinishedAt);
        Assert.Equal(T0.Offset, read.FinishedAt.Offset);
    }

    [Fact]
    public async Task Record_ExplicitRepairedAndMissingOptionalFields_RoundTrip()
    {
        var history = await CreateHistoryAsync(CancellationToken.None);
        var outcome = new TaskOutcome { WorkflowId = "wf-1", TaskId = "t", AgentId = "a", Status = TaskState.Completed, Attempts = 3, Repaired = false, FinishedAt = T0 };

        await history.RecordAsync(outcome, CancellationToken.None);

        var read = Assert.Single(await history.QueryAsync(new TaskHistoryQuery(), CancellationToken.None));
        Assert.False(read.Repaired);
        Assert.Null(read.Title);
        Assert.Null(read.Prompt);
        Assert.Null(read.Output);
        Assert.Null(read.Error);
        Assert.Null(read.StartedAt);
    }

    [Fact]
    public async Task Query_FiltersByWorkflowTaskAgentAndStatus()
    {
        var history = await CreateHistoryAsync(CancellationToken.None);
        await RecordAllAsync(
            history,
            Outcome("a", 1),
            Outcome("b", 2, agent: "reviewer", status: TaskState.Failed, attempts: 3),
            Outcome("c", 3, workflow: "wf-2", status: TaskState.Cancelled, attempts: 0),
            Outcome("a", 4, workflow: "wf-2", agent: "reviewer"));

        Assert.Equal(["b", "a"], await TasksAsync(history, new TaskHistoryQuery { WorkflowId = "wf-1" }));
        Assert.Equal(["a", "b"], await TasksAsync(history, new TaskHistoryQuery { AgentId = "reviewer" }));
        Assert.Equal(["b"], await TasksAsync(history, new TaskHistoryQuery { Status = TaskState.Failed }));
        Assert.Equal(["a", "a"], await TasksAsync(history, new TaskHistoryQuery { TaskId = "a" }));
        Assert.Equal(["a"], await TasksAsync(history, new TaskHistoryQuery { WorkflowId = "wf-2", AgentId = "reviewer", Status = TaskState.Completed }));
        Assert.Empty(await TasksAsync(history, new TaskHistoryQuery { WorkflowId = "wf-1", Status = TaskState.Cancelled }));
        Assert.Empty(await TasksAsync(history, new TaskHistoryQuery { AgentId = "nobody" }));
    }

    [Fact]
    public async Task Query_TimeRange_FromInclusiveToExclusive_AcrossOffsets()
    {
        var history = await CreateHistoryAsync(CancellationToken.None);
        await RecordAllAsync(history, Outcome("m0", 0), Outcome("m10", 10), Outcome("m20", 20), Outcome("m30", 30));

        var from = T0.AddMinutes(10).ToOffset(TimeSpan.FromHours(5));
        var to = T0.AddMinutes(30).ToUniversalTime();

        Assert.Equal(["m20", "m10"], await TasksAsync(history, new TaskHistoryQuery { From = from, To = to }));
        Assert.Equal(["m30", "m20", "m10"], await TasksAsync(history, new TaskHistoryQuery { From = from }));
        Assert.Equal(["m0"], await TasksAsync(history, new TaskHistoryQuery { To = T0.AddMinutes(10) }));
    }

    [Fact]
    public async Task Query_NewestFirst_TiesByLatestRecorded_AndLimit()
    {
        var history = await CreateHistoryAsync(CancellationToken.None);
        await RecordAllAsync(history, Outcome("old", 0), Outcome("tie-1", 5), Outcome("new", 9), Outcome("tie-2", 5));

        Assert.Equal(["new", "tie-2", "tie-1", "old"], await TasksAsync(history, new TaskHistoryQuery()));
        Assert.Equal(["new", "tie-2"], await TasksAsync(history, new TaskHistoryQuery { Limit = 2 }));
    }

    [Fact]
    public async Task Record_SameWorkflowTaskAndAttempts_Replaces_MoreAttemptsAdds()
    {
        var history = await CreateHistoryAsync(CancellationToken.None);
        await history.RecordAsync(Outcome("t", 1, status: TaskState.Failed, attempts: 2), CancellationToken.None);
        await history.RecordAsync(Outcome("t", 1, status: TaskState.Failed, attempts: 2), CancellationToken.None);

        Assert.Single(await history.QueryAsync(new TaskHistoryQuery(), CancellationToken.None));

        await history.RecordAsync(Outcome("t", 2, status: TaskState.Completed, attempts: 3), CancellationToken.None);

        var all = await history.QueryAsync(new TaskHistoryQuery(), CancellationToken.None);
        Assert.Equal([(TaskState.Completed, 3), (TaskState.Failed, 2)], all.Select(o => (o.Status, o.Attempts)));
    }

    [Fact]
    public async Task Query_EmptyHistory_ReturnsNothing_AndArgumentsAreChecked()
    {
        var history = await CreateHistoryAsync(CancellationToken.None);

        Assert.Empty(await history.QueryAsync(new TaskHistoryQuery(), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentNullException>(() => history.QueryAsync(null!, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentNullException>(() => history.RecordAsync(null!, CancellationToken.None));
    }

    [Fact]
    public async Task Record_AlreadyCancelled_ThrowsAndStoresNothing()
    {
        var history = await CreateHistoryAsync(CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => history.RecordAsync(Outcome("t", 0), cancelled.Token));

        Assert.Empty(await history.QueryAsync(new TaskHistoryQuery(), CancellationToken.None));
    }
}

using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;

namespace AgentManager.Tests.Persistence;

/// <summary>The in-memory store's summaries (<see cref="ITaskSummarySource"/>), which the engine's summaries read
/// instead of a <see cref="TaskRecord"/> per task: the same tasks, fields and order as
/// <see cref="IStateStore.GetTasksAsync"/> gives.</summary>
public sealed class InMemoryTaskSummariesTests
{
    private static readonly DateTimeOffset Created = new(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SummarizeTasks_GivesEachTaskInOrdinalOrder_WithTheFieldsOfItsRecord(bool committedInReverse)
    {
        var store = new InMemoryStateStore();
        IEnumerable<TaskRecord> tasks = [Plain("t0", 0), Plain("t1", 1), Busy("t2", 2), Plain("t3", 3)];
        await CommitAsync(store, committedInReverse ? tasks.Reverse() : tasks);
        var change = new TaskStateChange
        {
            WorkflowId = "wf-1",
            TaskId = "t1",
            State = TaskState.Completed,
            Attempt = 1,
            Level = RepairLevel.Retry,
            LevelAttempts = 1,
            StartedAt = Created.AddMinutes(1),
            FinishedAt = Created.AddMinutes(2),
            Usage = new AgentUsage { InputTokens = 7 },
        };
        var changes = new StateChanges();
        changes.TaskChanges.Add(change);
        await store.CommitAsync(changes, CancellationToken.None);

        var summaries = store.SummarizeTasks("wf-1");

        var records = await store.GetTasksAsync("wf-1", CancellationToken.None);
        Assert.Equal(["t0", "t1", "t2", "t3"], summaries.Select(s => s.TaskId));
        Assert.Equal(records.Select(SummaryOf), summaries.Select(Fields));
    }

    [Fact]
    public async Task SummarizeTasks_UnknownWorkflow_IsEmpty()
    {
        var store = new InMemoryStateStore();
        await CommitAsync(store, [Plain("t0", 0)]);

        Assert.Empty(store.SummarizeTasks("wf-unknown"));
    }

    private static Task CommitAsync(InMemoryStateStore store, IEnumerable<TaskRecord> tasks)
    {
        var changes = new StateChanges();
        changes.Workflows.Add(new WorkflowRecord { WorkflowId = "wf-1", Status = WorkflowStatus.Running, CreatedAt = Created, WorkRoot = "/runs/wf-1" });
        changes.Tasks.AddRange(tasks);
        return store.CommitAsync(changes, CancellationToken.None);
    }

    private static TaskRecord Plain(string id, int ordinal) => new()
    {
        WorkflowId = "wf-1",
        TaskId = id,
        Ordinal = ordinal,
        State = TaskState.Pending,
        AgentId = "worker",
    };

    private static TaskRecord Busy(string id, int ordinal) => Plain(id, ordinal) with
    {
        State = TaskState.BlockedHitl,
        Attempt = 3,
        LastError = "exit code 1",
        StartedAt = Created.AddMinutes(3),
        Level = RepairLevel.Escalation,
        LevelAttempts = 1,
        CurrentAgentId = "senior",
        DeadlineAt = Created.AddHours(1),
        Usage = new AgentUsage { InputTokens = 12, OutputTokens = 34, Cost = 0.5m },
    };

    private static object SummaryOf(TaskRecord t) =>
        (t.TaskId, t.State, t.Attempt, t.StartedAt, t.FinishedAt, t.LastError, t.Level, t.CurrentAgentId, t.DeadlineAt, t.Usage);

    private static object Fields(TaskSummary s) =>
        (s.TaskId, s.State, s.Attempts, s.StartedAt, s.FinishedAt, s.LastError, s.Level, s.CurrentAgentId, s.DeadlineAt, s.Usage);
}

using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Persistence.Sqlite;
using AgentManager.Tests.Workflows;
using AgentManager.Workflows;

namespace AgentManager.Tests.Persistence;

/// <summary>The SQLite store's own statement shapes: task rows read by position with repeated values shared,
/// batches split into multi-row INSERTs, and WAL checkpoints on a thread of their own.</summary>
public sealed class SqliteStateStoreRowsTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Created = new(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));
    private readonly SharedSqliteFile _file = new();

    private string DatabasePath => _file.DatabasePath;

    public ValueTask DisposeAsync() => _file.DisposeAsync();

    /// <summary>Values that repeat from row to row are shared between records; a row whose value differs
    /// (another length, a common prefix, NULL against empty, back to an earlier value) still gets its own.</summary>
    [Fact]
    public async Task GetTasks_ValuesThatRepeatOrChangeFromRowToRow_ReadBackAsEachRowWasWritten()
    {
        var store = Open();
        string?[] agents = ["worker", "worker", "worker-2", "work", null, "", "worker", "élève-✓"];
        TaskState[] states = [TaskState.Completed, TaskState.Completed, TaskState.Ready, TaskState.Completed, TaskState.BlockedRepair, TaskState.Pending, TaskState.Pending, TaskState.Completed];
        var tasks = Enumerable.Range(0, agents.Length).Select(i => new TaskRecord
        {
            WorkflowId = "wf-1",
            TaskId = "t" + i,
            Ordinal = i,
            Title = i % 3 == 0 ? null : i % 3 == 1 ? "" : "Tâche " + i,
            State = states[i],
            Attempt = i,
            Priority = -i,
            AgentId = agents[i],
            Dependencies = i == 0 ? [] : ["t" + (i - 1), "t0"],
            Resources = i % 2 == 0 ? [] : ["model:x"],
            Workdir = i == 2 ? "/runs/t2" : null,
            LastError = i == 4 ? "exit code 1" : null,
            LastOutput = i == 5 ? "" : null,
            StartedAt = i == 0 ? null : Created.AddMinutes(i),
            FinishedAt = i % 2 == 0 ? Created.ToOffset(TimeSpan.FromMinutes(330)).AddSeconds(i) : null,
            Level = i == 4 ? RepairLevel.Repair : RepairLevel.Retry,
            LevelAttempts = i % 3,
            CurrentAgentId = i == 4 ? "fixer" : agents[i],
            DeadlineAt = i == 6 ? Created.ToOffset(TimeSpan.FromHours(-7)) : null,
            Usage = i == 3 ? new AgentUsage { InputTokens = 12, OutputTokens = 5, Cost = 0.125m } : i == 7 ? new AgentUsage { Cost = 2m } : AgentUsage.Zero,
            LeaseOwner = i is 1 or 2 ? "engine-a" : i == 3 ? "engine-b" : null,
            LeaseExpiresAt = i is 1 or 2 or 3 ? Created.AddMinutes(30) : null,
            FencingToken = i,
        }).ToList();
        var changes = new StateChanges();
        changes.Workflows.Add(Workflow());
        changes.Tasks.AddRange(tasks);

        await store.CommitAsync(changes, CancellationToken.None);

        var read = await store.GetTasksAsync("wf-1", CancellationToken.None);
        Assert.Equal(tasks.Select(Fields), read.Select(Fields));
        Assert.Equal(tasks.Select(t => (t.StartedAt?.Offset, t.FinishedAt?.Offset, t.DeadlineAt?.Offset)), read.Select(t => (t.StartedAt?.Offset, t.FinishedAt?.Offset, t.DeadlineAt?.Offset)));
        Assert.Equal(Fields(tasks[6]), Fields((await store.GetTaskAsync("wf-1", "t6", CancellationToken.None))!));
    }

    /// <summary>A batch far larger than one INSERT may bind (SQLite allows 32,766 variables; 3,001 events of
    /// 13 columns need 39,013) is split into statements of 32, 4 and 1 rows and keeps every
    /// transition and event in order.</summary>
    [Fact]
    public async Task Commit_MoreEventsThanOneStatementMayBind_LogsEveryEventInOrder()
    {
        var store = Open();
        var changes = new StateChanges();
        changes.Workflows.Add(Workflow());
        changes.Tasks.Add(Task("t0"));
        for (var i = 0; i < 3001; i++)
        {
            var transition = new TaskTransition("wf-1", "t0", TaskState.Ready, TaskState.Implementing, TaskTrigger.Start, i % 2 == 0 ? null : "reason " + i, TaskLifecycle.EngineActor, i, Created.AddSeconds(i));
            changes.Transitions.Add(transition);
            changes.Events.Add(i % 3 == 0 ? new WorkflowEvent(EventTypes.WorkflowStarted, "wf-1", transition.Timestamp) : transition);
        }

        await store.CommitAsync(changes, CancellationToken.None);

        Assert.Equal(changes.Transitions, await store.GetTransitionsAsync("wf-1", null, CancellationToken.None));
        var log = await store.GetEventLogAsync("wf-1", CancellationToken.None);
        Assert.Equal(changes.Events.Select(e => (e.Type, e is TaskEvent ? "t0" : null)), log);
    }

    /// <summary>After enough commits a checkpoint runs on the store's own thread: the WAL's pages reach the
    /// database file while the writer goes on, and everything committed reads back after a reopen.</summary>
    [Fact]
    public async Task Commit_ManyCommits_CheckpointCopiesTheWalIntoTheDatabaseFileInTheBackground()
    {
        var store = Open();
        var first = new StateChanges();
        first.Workflows.Add(Workflow());
        first.Tasks.Add(Task("t0"));
        await store.CommitAsync(first, CancellationToken.None);
        var sizeBefore = new FileInfo(DatabasePath).Length;

        for (var commit = 0; commit < 80; commit++)
        {
            var changes = new StateChanges();
            for (var i = 0; i < 40; i++)
            {
                var transition = new TaskTransition("wf-1", "t0", TaskState.Ready, TaskState.Implementing, TaskTrigger.Start, new string('r', 200), TaskLifecycle.EngineActor, (commit * 40) + i, Created.AddSeconds(i));
                changes.Transitions.Add(transition);
                changes.Events.Add(transition);
            }

            await store.CommitAsync(changes, CancellationToken.None);
        }

        Assert.True(SpinWait.SpinUntil(() => store.CheckpointedFrames > 0, TimeSpan.FromSeconds(60)), "no background checkpoint ran after 80 commits");
        Assert.True(new FileInfo(DatabasePath).Length > sizeBefore + (100 * 4096), $"the database file did not grow from {sizeBefore} bytes: the WAL was not copied into it");
        await store.DisposeAsync();

        var reopened = Open();
        Assert.Equal(3200, (await reopened.GetTransitionsAsync("wf-1", "t0", CancellationToken.None)).Count);
    }

    private SqliteStateStore Open() => _file.OpenSqlite();

    private static WorkflowRecord Workflow() => new()
    {
        WorkflowId = "wf-1",
        Status = WorkflowStatus.Running,
        CreatedAt = Created,
        Metadata = new Dictionary<string, string>(),
    };

    private static TaskRecord Task(string id) => new() { WorkflowId = "wf-1", TaskId = id, Ordinal = 0, State = TaskState.Ready };

    private static string Fields(TaskRecord t) => string.Join(
        "|",
        t.WorkflowId, t.TaskId, t.Ordinal, t.Title ?? "<null>", t.State, t.Attempt, t.Priority, t.AgentId ?? "<null>",
        string.Join(",", t.Dependencies), string.Join(",", t.Resources), t.Workdir ?? "<null>", t.LastError ?? "<null>", t.LastOutput ?? "<null>",
        t.StartedAt, t.FinishedAt, t.Level, t.LevelAttempts, t.CurrentAgentId ?? "<null>", t.DeadlineAt,
        t.Usage.InputTokens, t.Usage.OutputTokens, t.Usage.Cost, t.LeaseOwner ?? "<null>", t.LeaseExpiresAt, t.FencingToken);
}

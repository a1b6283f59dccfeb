using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;

namespace AgentManager.Tests.Persistence;

/// <summary>Whole task records that the engine adds as its live tasks (<see cref="TaskRecordList"/>), which a store reads
/// without a record made per task: each store keeps every field as it keeps a <see cref="TaskRecord"/>'s.</summary>
public abstract partial class StateStoreContractTests
{
    private static LiveTask EveryFieldSet(string id, int ordinal, bool running) => new(new TaskRecord
    {
        WorkflowId = "wf-1",
        TaskId = id,
        Ordinal = ordinal,
        Title = "Task " + id,
        State = running ? TaskState.Implementing : TaskState.BlockedHitl,
        Attempt = 3,
        Priority = -7,
        AgentId = "worker",
        Dependencies = ordinal == 0 ? [] : ["t0"],
        Resources = ["model:x", "workdir:/runs/" + id],
        Workdir = "/runs/" + id,
        LastError = "boom",
        LastOutput = "tail of the output",
        StartedAt = Created.AddMinutes(1),
        FinishedAt = running ? null : Created.AddMinutes(2).ToOffset(TimeSpan.FromHours(-3)),
        Level = RepairLevel.Escalation,
        LevelAttempts = 2,
        CurrentAgentId = "manager",
        DeadlineAt = running ? null : Created.AddHours(8).ToOffset(TimeSpan.FromHours(-5)),
        Usage = new AgentUsage { InputTokens = 12_345_678_901, OutputTokens = 42, Cost = 0.000123m },
        LeaseOwner = running ? "engine-a" : null,
        LeaseExpiresAt = running ? Created.AddMinutes(3) : null,
        FencingToken = running ? 7 : 0,
    });

    [Fact]
    public async Task Commit_TasksAddedAsLiveTasks_StoresEveryFieldAsTheirRecordsWould()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        LiveTask[] live = [EveryFieldSet("t0", 0, running: false), EveryFieldSet("t1", 1, running: true)];
        var changes = Changes([Workflow()]);
        foreach (var task in live)
        {
            changes.Tasks.AddSource(task);
        }

        await store.CommitAsync(changes, CancellationToken.None);

        var read = await store.GetTasksAsync("wf-1", CancellationToken.None);
        Assert.Equal(2, read.Count);
        for (var i = 0; i < live.Length; i++)
        {
            var expected = live[i].ToRecord();
            Assert.Equal(expected, read[i] with { Dependencies = expected.Dependencies, Resources = expected.Resources });
            Assert.Equal(expected.Dependencies, read[i].Dependencies);
            Assert.Equal(expected.Resources, read[i].Resources);
            Assert.Equal(expected.FinishedAt?.Offset, read[i].FinishedAt?.Offset);
            Assert.Equal(expected.DeadlineAt?.Offset, read[i].DeadlineAt?.Offset);
        }
    }

    /// <summary>A live task first recorded in a batch may be changed by the same batch, as a record may.</summary>
    [Fact]
    public async Task Commit_LiveTaskAndAChangeOfItInOneBatch_AppliesTheChangeAfterTheRecord()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var changes = Changes([Workflow()]);
        changes.Tasks.AddSource(EveryFieldSet("t0", 0, running: false));
        changes.TaskChanges.Add(Change("t0", TaskState.Completed, attempt: 4));

        await store.CommitAsync(changes, CancellationToken.None);

        var read = (await store.GetTaskAsync("wf-1", "t0", CancellationToken.None))!;
        Assert.Equal((TaskState.Completed, 4, "Task t0", "/runs/t0"), (read.State, read.Attempt, read.Title, read.Workdir));
    }

    /// <summary>Tasks first stored as live tasks are found by id afterwards: read one by one, changed by changes that
    /// carry no or the wrong ordinal, and replaced (not added again) by a later record, whatever its ordinal.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Commit_LiveTasks_AreFoundByIdAfterwards_ByReadsChangesAndLaterRecords(bool readFirst)
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var changes = Changes([Workflow()]);
        foreach (var i in Enumerable.Range(0, 3))
        {
            changes.Tasks.AddSource(EveryFieldSet("t" + i, i, running: false));
        }

        await store.CommitAsync(changes, CancellationToken.None);
        if (readFirst)
        {
            Assert.Equal(2, (await store.GetTaskAsync("wf-1", "t2", CancellationToken.None))!.Ordinal);
        }

        await store.CommitAsync(Changed(Change("t1", TaskState.Completed, attempt: 5), Change("t2", TaskState.Ready, attempt: 6) with { Ordinal = 7 }), CancellationToken.None);
        await store.CommitAsync(Changes(tasks: [Task("t0", 8) with { Title = "again" }]), CancellationToken.None);

        var read = await store.GetTasksAsync("wf-1", CancellationToken.None);
        Assert.Equal(["t1", "t2", "t0"], read.Select(t => t.TaskId));
        Assert.Equal("again", read[2].Title);
        Assert.Equal((TaskState.Completed, 5), (read[0].State, read[0].Attempt));
        Assert.Equal((TaskState.Ready, 6), ((await store.GetTaskAsync("wf-1", "t2", CancellationToken.None))!.State, read[1].Attempt));
    }

    /// <summary>A live task of a workflow neither stored nor in the batch refuses the batch, as a record does.</summary>
    [Fact]
    public async Task Commit_LiveTaskOfAnUnknownWorkflow_ThrowsAndStoresNothing()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var changes = Changes([Workflow()], [Task("t0", 0)]);
        changes.Tasks.AddSource(new LiveTask(EveryFieldSet("t1", 1, running: false).ToRecord() with { WorkflowId = "wf-unknown" }));

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync(changes, CancellationToken.None));

        Assert.Null(await store.GetWorkflowAsync("wf-1", CancellationToken.None));
    }

    /// <summary>Stands in for the engine's task: a record's values read one by one through the interface the engine's
    /// tasks implement, so a store takes the path it takes for them; its record is the one it wraps.</summary>
    private sealed class LiveTask(TaskRecord values) : ITaskRecordSource
    {
        public string WorkflowId => values.WorkflowId;

        public string TaskId => values.TaskId;

        public int Ordinal => values.Ordinal;

        public string? Title => values.Title;

        public TaskState State => values.State;

        public int Attempt => values.Attempt;

        public int Priority => values.Priority;

        public string? AgentId => values.AgentId;

        public IReadOnlyList<string> Dependencies => values.Dependencies;

        public IReadOnlyList<string> Resources => values.Resources;

        public string? Workdir => values.Workdir;

        public string? LastError => values.LastError;

        public string? LastOutput => values.LastOutput;

        public DateTimeOffset? StartedAt => values.StartedAt;

        public DateTimeOffset? FinishedAt => values.FinishedAt;

        public RepairLevel Level => values.Level;

        public int LevelAttempts => values.LevelAttempts;

        public string? CurrentAgentId => values.CurrentAgentId;

        public DateTimeOffset? DeadlineAt => values.DeadlineAt;

        public AgentUsage Usage => values.Usage;

        public string? LeaseOwner => values.LeaseOwner;

        public DateTimeOffset? LeaseExpiresAt => values.LeaseExpiresAt;

        public long FencingToken => values.FencingToken;

        public TaskRecord ToRecord() => values;
    }
}

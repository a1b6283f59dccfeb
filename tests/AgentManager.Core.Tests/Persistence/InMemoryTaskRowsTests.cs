using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;

namespace AgentManager.Tests.Persistence;

/// <summary>The in-memory store's rows share what tasks usually have in common (agent, resources, working directory,
/// lease) between tasks, and across stores: each task still reads back exactly its own values, whatever its
/// neighbours' are and however its lease changes.</summary>
public sealed class InMemoryTaskRowsTests
{
    private static readonly DateTimeOffset Expiry = new(2026, 12, 7, 12, 0, 0, TimeSpan.FromHours(1));

    [Fact]
    public async Task Rows_OfTasksWithSharedAndOwnAgentsResourcesWorkdirsAndLeases_GiveBackEachTasksOwnRecord()
    {
        string[] gpu = ["gpu"];
        var records = new[]
        {
            Record("t0", 0) with { AgentId = "coder", Resources = gpu, Workdir = "/w/a", LeaseOwner = "engine-1", LeaseExpiresAt = Expiry, FencingToken = 3 },
            Record("t1", 1) with { AgentId = "coder", Resources = gpu, Workdir = "/w/a", LeaseOwner = "engine-1", LeaseExpiresAt = Expiry, FencingToken = 3 },
            Record("t2", 2) with { AgentId = "reviewer", Resources = [], Workdir = null },
            Record("t3", 3) with { AgentId = "coder", Resources = gpu, Workdir = "/w/b", FencingToken = 3 },
            Record("t4", 4) with { AgentId = "coder", Resources = ["gpu"], Workdir = "/w/a", LeaseOwner = "engine-2", LeaseExpiresAt = Expiry.AddMinutes(1), FencingToken = 4 },
        };
        var store = new InMemoryStateStore();
        var other = new InMemoryStateStore();
        await CommitAsync(store, records);
        await CommitAsync(other, [Record("t0", 0) with { AgentId = "other", LeaseOwner = "engine-9", LeaseExpiresAt = Expiry, FencingToken = 3 }]);

        Assert.Equal(records, await store.GetTasksAsync("wf-1", CancellationToken.None));
        Assert.Equal("other", (await other.GetTaskAsync("wf-1", "t0", CancellationToken.None))!.AgentId);
    }

    [Fact]
    public async Task Rows_WhoseLeaseChanges_KeepTheirNeighboursLeases_AndATokenWithoutOwner()
    {
        var records = new[]
        {
            Record("t0", 0) with { LeaseOwner = "engine-1", LeaseExpiresAt = Expiry, FencingToken = 3 },
            Record("t1", 1) with { LeaseOwner = "engine-1", LeaseExpiresAt = Expiry, FencingToken = 3 },
        };
        var store = new InMemoryStateStore();
        await CommitAsync(store, records);

        var changes = new StateChanges();
        changes.TaskChanges.Add(new TaskStateChange { WorkflowId = "wf-1", TaskId = "t0", State = TaskState.Implementing, Attempt = 1, Level = RepairLevel.Retry, LevelAttempts = 1, LeaseOwner = "engine-1", LeaseExpiresAt = Expiry.AddMinutes(5), FencingToken = 3 });
        changes.TaskChanges.Add(new TaskStateChange { WorkflowId = "wf-1", TaskId = "t1", State = TaskState.Completed, Attempt = 1, Level = RepairLevel.Retry, LevelAttempts = 1, FencingToken = 3 });
        await store.CommitAsync(changes, CancellationToken.None);

        var read = await store.GetTasksAsync("wf-1", CancellationToken.None);
        Assert.Equal(("engine-1", Expiry.AddMinutes(5), 3L), (read[0].LeaseOwner, read[0].LeaseExpiresAt, read[0].FencingToken));
        Assert.Equal(((string?)null, (DateTimeOffset?)null, 3L), (read[1].LeaseOwner, read[1].LeaseExpiresAt, read[1].FencingToken));
    }

    private static TaskRecord Record(string id, int ordinal) => new()
    {
        WorkflowId = "wf-1",
        TaskId = id,
        Ordinal = ordinal,
        State = TaskState.Ready,
        AgentId = "coder",
    };

    private static async Task CommitAsync(InMemoryStateStore store, IEnumerable<TaskRecord> tasks)
    {
        var changes = new StateChanges();
        changes.Workflows.Add(new WorkflowRecord { WorkflowId = "wf-1", Status = WorkflowStatus.Running, CreatedAt = Expiry, WorkRoot = "/runs/wf-1" });
        changes.Tasks.AddRange(tasks);
        await store.CommitAsync(changes, CancellationToken.None);
    }
}

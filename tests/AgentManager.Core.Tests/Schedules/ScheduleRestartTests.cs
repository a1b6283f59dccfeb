using AgentManager.Events;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Persistence.Sqlite;
using AgentManager.Schedules;
using AgentManager.Workflows;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using static AgentManager.Tests.Schedules.ScheduleHarness;

namespace AgentManager.Tests.Schedules;

/// <summary>A restart over the same SQLite file neither loses nor repeats a firing.</summary>
public sealed class ScheduleRestartTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentmanager-schedule-restart", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteStateStore> _stores = [];

    private string DatabasePath => Path.Combine(_directory, "state.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private SqliteStateStore Open()
    {
        var store = new SqliteStateStore(new SqliteStoreOptions { Path = DatabasePath });
        _stores.Add(store);
        return store;
    }

    /// <summary>Fires the schedule's first occurrence and stops the host while its run's agent still works.</summary>
    private async Task<string> StopWhileARunIsUnfinishedAsync(FakeTimeProvider time)
    {
        var gated = new GatedAgent();
        await using var before = new ScheduleHarness(time, Open(), o => o.Schedules.Add(Hourly(agent: gated)));
        await before.StartAsync();
        await before.AdvanceToAsync(T0.AddHours(1));
        var runId = (await before.WaitForAsync(EventTypes.ScheduleFired)).RunWorkflowId!;
        await gated.Started;
        return runId;
    }

    private static async Task<List<WorkflowRecord>> ScheduledWorkflowsAsync(IStateStore store) =>
        [.. (await store.ListWorkflowsAsync(CancellationToken.None)).Where(w => w.Metadata.ContainsKey("schedule_id"))];

    [Fact]
    public async Task Restart_AfterAFiring_DoesNotRepeatIt_AndFiresTheNextOccurrence()
    {
        var time = new FakeTimeProvider(T0);
        string firstRun;
        await using (var before = new ScheduleHarness(time, Open(), o => o.Schedules.Add(Hourly())))
        {
            await before.StartAsync();
            await before.AdvanceToAsync(T0.AddHours(1));
            firstRun = (await before.WaitForAsync(EventTypes.ScheduleFired)).RunWorkflowId!;
            await before.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, firstRun);
        }

        await using var after = new ScheduleHarness(time, Open(), o => o.Schedules.Add(Hourly()));
        await after.StartAsync();
        await after.SettleAsync();
        Assert.Empty(after.ScheduleEvents);
        await after.AdvanceToAsync(T0.AddHours(2));
        var second = await after.WaitForAsync(EventTypes.ScheduleFired);
        await after.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, second.RunWorkflowId!);

        Assert.Equal(T0.AddHours(2), second.Occurrence);
        var workflows = await ScheduledWorkflowsAsync(after.Store);
        Assert.Equal([firstRun, second.RunWorkflowId], workflows.Select(w => w.WorkflowId));
        Assert.All(workflows, w => Assert.Equal(WorkflowStatus.Completed, w.Status));
    }

    [Fact]
    public async Task Restart_FiringRecordedButWorkflowNeverCreated_CreatesItOnce()
    {
        // The state a crash leaves between recording an occurrence and creating its workflow.
        var time = new FakeTimeProvider(T0.AddHours(1).AddSeconds(5));
        var store = Open();
        var runId = ScheduleRecords.WorkflowId("hourly", T0.AddHours(1));
        await store.TrySaveScheduleAsync(
            new ScheduleRecord
            {
                ScheduleId = "hourly",
                Interval = TimeSpan.FromHours(1),
                NextRun = T0.AddHours(2),
                LastOccurrence = T0.AddHours(1),
                LastWorkflowId = runId,
                RunningWorkflowId = runId,
                UpdatedAt = T0.AddHours(1),
            },
            CancellationToken.None);

        await using var h = new ScheduleHarness(time, store, o => o.Schedules.Add(Hourly()));
        await h.StartAsync();
        var fired = await h.WaitForAsync(EventTypes.ScheduleFired);
        await h.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, runId);
        await h.SettleAsync();

        Assert.Equal((runId, T0.AddHours(1)), (fired.RunWorkflowId, fired.Occurrence!.Value));
        Assert.Single(h.ScheduleEvents, e => e.Type == EventTypes.ScheduleFired);
        Assert.Equal([runId], (await ScheduledWorkflowsAsync(store)).Select(w => w.WorkflowId));
        Assert.Null((await h.Service.GetAsync("hourly")).RunningWorkflowId);
    }

    [Fact]
    public async Task Restart_RunUnfinishedWhenTheHostStopped_IsResumedNotStartedAgain()
    {
        var time = new FakeTimeProvider(T0);
        var runId = await StopWhileARunIsUnfinishedAsync(time);
        var reads = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);

        await using var after = new ScheduleHarness(time, Workflows.ReadCountingStore.Create(Open(), reads), o => o.Schedules.Add(Hourly()));
        await after.StartAsync();
        await after.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, runId);
        await after.SettleAsync();

        // Recovery reads the unfinished workflows, not every workflow the store keeps.
        Assert.False(reads.ContainsKey(nameof(IStateStore.ListWorkflowsAsync)));
        Assert.True(reads.ContainsKey(nameof(IStateStore.QueryWorkflowsAsync)));

        Assert.DoesNotContain(after.ScheduleEvents, e => e.Type is EventTypes.ScheduleFired or EventTypes.ScheduleFailed);
        Assert.Equal([runId], (await ScheduledWorkflowsAsync(after.Store)).Select(w => w.WorkflowId));
        var transitions = await after.Store.GetTransitionsAsync(runId, "work", CancellationToken.None);
        Assert.Single(transitions, t => t.To == TaskState.Completed);
        Assert.Contains(transitions, t => t.Trigger == TaskTrigger.LeaseExpired);
        Assert.Null((await after.Service.GetAsync("hourly")).RunningWorkflowId);
    }

    [Fact]
    public async Task Restart_ChangedPlanOfAnUnfinishedRun_PublishesFailedAndFreesTheSchedule()
    {
        var time = new FakeTimeProvider(T0);
        var runId = await StopWhileARunIsUnfinishedAsync(time);

        var changed = Hourly();
        changed.WorkflowFactory = (_, _) => ValueTask.FromResult(Workflows.EngineFixture.Workflow(Workflows.EngineFixture.NoOp, Workflows.EngineFixture.Task("other")));
        await using var after = new ScheduleHarness(time, Open(), o => o.Schedules.Add(changed));
        await after.StartAsync();

        var failed = await after.WaitForAsync(EventTypes.ScheduleFailed);
        Assert.Equal(runId, failed.RunWorkflowId);
        Assert.Contains("could not be resumed", failed.Reason, StringComparison.Ordinal);
        Assert.Null((await after.Service.GetAsync("hourly")).RunningWorkflowId);
    }
}

using AgentManager.Persistence;
using AgentManager.Schedules;
using AgentManager.Workflows;

namespace AgentManager.Tests.Persistence;

/// <summary>The schedule records every <see cref="IStateStore"/> keeps.</summary>
public abstract partial class StateStoreContractTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 29, 12, 0, 0, TimeSpan.FromHours(2));

    protected static ScheduleRecord Schedule(string id = "nightly") => new()
    {
        ScheduleId = id,
        Cron = "30 2 * * *",
        TimeZone = "Europe/Berlin",
        PlanPath = "/plans/docs.json",
        MissedRunPolicy = MissedRunPolicy.RunOnce,
        AllowOverlap = true,
        NextRun = Noon.AddHours(14),
        UpdatedAt = Noon,
    };

    [Fact]
    public async Task TrySaveSchedule_NewRecord_IsStoredAtRevisionOneWithEveryField()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var record = Schedule() with
        {
            Paused = true,
            LastOccurrence = Noon.AddHours(-10),
            LastWorkflowId = "nightly-20260329T003000Z",
            RunningWorkflowId = "nightly-20260329T003000Z",
        };

        var saved = await store.TrySaveScheduleAsync(record, CancellationToken.None);

        Assert.Equal(record with { Revision = 1 }, saved);
        var read = await store.GetScheduleAsync("nightly", CancellationToken.None);
        Assert.Equal(record with { Revision = 1 }, read);
        Assert.Equal(TimeSpan.FromHours(2), read!.NextRun!.Value.Offset);
        var interval = Schedule("every") with { Cron = null, TimeZone = null, Interval = TimeSpan.FromMilliseconds(1500), PlanPath = null, MissedRunPolicy = MissedRunPolicy.Skip, AllowOverlap = false, NextRun = null };
        Assert.Equal(interval with { Revision = 1 }, await store.TrySaveScheduleAsync(interval, CancellationToken.None));
        Assert.Equal(interval with { Revision = 1 }, await store.GetScheduleAsync("every", CancellationToken.None));
        var stored = Schedule("stored-plan") with { PlanPath = null, PlanId = "release-notes", PlanVersion = 3 };
        Assert.Equal(stored with { Revision = 1 }, await store.TrySaveScheduleAsync(stored, CancellationToken.None));
        Assert.Equal(stored with { Revision = 1 }, await store.GetScheduleAsync("stored-plan", CancellationToken.None));
        var moved = await store.TrySaveScheduleAsync(stored with { Revision = 1, PlanVersion = 4 }, CancellationToken.None);
        Assert.Equal((4, 2L), (moved!.PlanVersion, (await store.GetScheduleAsync("stored-plan", CancellationToken.None))!.Revision));
    }

    [Fact]
    public async Task TrySaveSchedule_CurrentRevision_StoresTheChangeOneRevisionHigher()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var first = await store.TrySaveScheduleAsync(Schedule(), CancellationToken.None);

        var second = await store.TrySaveScheduleAsync(first! with { Paused = true, RunningWorkflowId = "wf" }, CancellationToken.None);
        var third = await store.TrySaveScheduleAsync(second! with { RunningWorkflowId = null }, CancellationToken.None);

        Assert.Equal((2L, 3L), (second!.Revision, third!.Revision));
        var read = await store.GetScheduleAsync("nightly", CancellationToken.None);
        Assert.Equal((true, null, 3L), (read!.Paused, read.RunningWorkflowId, read.Revision));
    }

    [Fact]
    public async Task TrySaveSchedule_StaleRevision_ReturnsNullAndChangesNothing()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var first = await store.TrySaveScheduleAsync(Schedule(), CancellationToken.None);
        var paused = await store.TrySaveScheduleAsync(first! with { Paused = true }, CancellationToken.None);

        var stale = await store.TrySaveScheduleAsync(first! with { NextRun = Noon }, CancellationToken.None);
        var duplicate = await store.TrySaveScheduleAsync(Schedule() with { PlanPath = "/other.json" }, CancellationToken.None);

        Assert.Null(stale);
        Assert.Null(duplicate);
        Assert.Equal(paused, await store.GetScheduleAsync("nightly", CancellationToken.None));
    }

    [Fact]
    public async Task TrySaveSchedule_DeletedRecord_ReturnsNullAndStoresNothing()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var first = await store.TrySaveScheduleAsync(Schedule(), CancellationToken.None);
        Assert.True(await store.DeleteScheduleAsync("nightly", CancellationToken.None));

        Assert.Null(await store.TrySaveScheduleAsync(first! with { Paused = true }, CancellationToken.None));
        Assert.Null(await store.GetScheduleAsync("nightly", CancellationToken.None));
        Assert.False(await store.DeleteScheduleAsync("nightly", CancellationToken.None));
    }

    [Fact]
    public async Task TrySaveSchedule_ConcurrentWritersOfOneRevision_ExactlyOneWins()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var first = await store.TrySaveScheduleAsync(Schedule(), CancellationToken.None);

        var results = await System.Threading.Tasks.Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            System.Threading.Tasks.Task.Run(() => store.TrySaveScheduleAsync(first! with { LastWorkflowId = "w" + i }, CancellationToken.None))));

        var winner = Assert.Single(results, r => r is not null);
        Assert.Equal(winner, await store.GetScheduleAsync("nightly", CancellationToken.None));
    }

    [Fact]
    public async Task ListSchedules_OrderedById_AndUnknownIdsReadNothing()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        foreach (var id in new[] { "b", "a", "c" })
        {
            await store.TrySaveScheduleAsync(Schedule(id), CancellationToken.None);
        }

        Assert.Equal(["a", "b", "c"], (await store.ListSchedulesAsync(CancellationToken.None)).Select(s => s.ScheduleId));
        Assert.Null(await store.GetScheduleAsync("nope", CancellationToken.None));
        Assert.False(await store.DeleteScheduleAsync("nope", CancellationToken.None));
    }

    [Fact]
    public async Task Purge_WorkflowAScheduleCountsAsRunning_IsKept()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var finished = Created.AddMinutes(1);
        await store.CommitAsync(Changes([Workflow("guarded", WorkflowStatus.Completed) with { FinishedAt = finished }, Workflow("free", WorkflowStatus.Completed) with { FinishedAt = finished }]), CancellationToken.None);
        var schedule = await store.TrySaveScheduleAsync(Schedule() with { RunningWorkflowId = "guarded" }, CancellationToken.None);

        Assert.Equal(["free"], await store.PurgeAsync(finished.AddDays(1), CancellationToken.None));
        await store.TrySaveScheduleAsync(schedule! with { RunningWorkflowId = null }, CancellationToken.None);
        Assert.Equal(["guarded"], await store.PurgeAsync(finished.AddDays(1), CancellationToken.None));
    }

    [Fact]
    public async Task ScheduleMethods_CancelledToken_ThrowAndStoreNothing()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.TrySaveScheduleAsync(Schedule(), cancelled.Token));

        Assert.Empty(await store.ListSchedulesAsync(CancellationToken.None));
    }
}

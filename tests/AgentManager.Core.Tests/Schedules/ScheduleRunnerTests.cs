using AgentManager.Events;
using AgentManager.Persistence;
using AgentManager.Schedules;
using AgentManager.Workflows;
using Microsoft.Extensions.Time.Testing;
using static AgentManager.Tests.Schedules.ScheduleHarness;

namespace AgentManager.Tests.Schedules;

public sealed class ScheduleRunnerTests
{
    private static string RunId(string scheduleId, DateTimeOffset occurrence) =>
        scheduleId + "-" + occurrence.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task IntervalSchedule_EachOccurrence_StartsOneWorkflowNamedAfterIt()
    {
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), configure: o => o.Schedules.Add(Hourly()));
        await h.StartAsync();
        Assert.Equal(T0.AddHours(1), (await h.Service.GetAsync("hourly")).NextRun);

        await h.AdvanceToAsync(T0.AddHours(1));
        var first = await h.WaitForAsync(EventTypes.ScheduleFired);
        await h.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, RunId("hourly", T0.AddHours(1)));
        await h.AdvanceToAsync(T0.AddHours(2));
        var second = await h.WaitForAsync(EventTypes.ScheduleFired, e => e.Occurrence == T0.AddHours(2));

        Assert.Equal((RunId("hourly", T0.AddHours(1)), T0.AddHours(1), T0.AddHours(2), false, 0), (first.RunWorkflowId, first.Occurrence, first.NextRun, first.CatchUp, first.MissedOccurrences));
        Assert.Equal(RunId("hourly", T0.AddHours(2)), second.RunWorkflowId);
        var workflow = await h.Store.GetWorkflowAsync(first.RunWorkflowId!, CancellationToken.None);
        Assert.Equal("hourly", workflow!.Metadata["schedule_id"]);
        Assert.Equal(T0.AddHours(1), DateTimeOffset.Parse(workflow.Metadata["schedule_occurrence"], System.Globalization.CultureInfo.InvariantCulture));
        var record = await h.Service.GetAsync("hourly");
        Assert.Equal((T0.AddHours(2), second.RunWorkflowId, T0.AddHours(3)), (record.LastOccurrence!.Value, record.LastWorkflowId, record.NextRun!.Value));
        Assert.Equal(2, h.ScheduleEvents.Count(e => e.Type == EventTypes.ScheduleFired));
    }

    [Fact]
    public async Task Run_EventsAndTheFiredEvent_CarryTheRunsIdAsCorrelationId()
    {
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), configure: o => o.Schedules.Add(Hourly()));
        await h.StartAsync();

        await h.AdvanceToAsync(T0.AddHours(1));
        var fired = await h.WaitForAsync(EventTypes.ScheduleFired);
        await h.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, fired.RunWorkflowId!);

        Assert.Equal(fired.RunWorkflowId, fired.CorrelationId);
        var logged = await h.Store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter(fired.RunWorkflowId) }, CancellationToken.None);
        Assert.Contains(logged, e => e.Type == EventTypes.TaskCompleted);
        Assert.All(logged, e => Assert.Equal(fired.RunWorkflowId, e.CorrelationId));
        Assert.Equal(fired.RunWorkflowId, (await h.Store.GetWorkflowAsync(fired.RunWorkflowId!, CancellationToken.None))!.Metadata["correlation_id"]);
    }

    [Fact]
    public async Task Run_WhoseFactorySetsACorrelationId_KeepsIt()
    {
        var schedule = Hourly();
        schedule.WorkflowFactory = (_, _) =>
        {
            var workflow = Workflows.EngineFixture.Workflow(Workflows.EngineFixture.NoOp, Workflows.EngineFixture.Task("work"));
            workflow.Metadata["correlation_id"] = "nightly-batch";
            return ValueTask.FromResult(workflow);
        };
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), configure: o => o.Schedules.Add(schedule));
        await h.StartAsync();

        await h.AdvanceToAsync(T0.AddHours(1));
        var fired = await h.WaitForAsync(EventTypes.ScheduleFired);
        await h.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, fired.RunWorkflowId!);

        Assert.Equal("nightly-batch", fired.CorrelationId);
        var logged = await h.Store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter(fired.RunWorkflowId) }, CancellationToken.None);
        Assert.All(logged, e => Assert.Equal("nightly-batch", e.CorrelationId));
    }

    [Fact]
    public async Task FinishedRun_IsNoLongerCountedAsRunning()
    {
        // The run waits at a gate until it was seen running: a run that finished before the look would be cleared.
        var agent = new GatedAgent();
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), configure: o => o.Schedules.Add(Hourly(agent: agent)));
        await h.StartAsync();
        await h.AdvanceToAsync(T0.AddHours(1));
        var fired = await h.WaitForAsync(EventTypes.ScheduleFired);
        Assert.Equal(fired.RunWorkflowId, (await h.Service.GetAsync("hourly")).RunningWorkflowId);
        agent.Release();
        await h.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, fired.RunWorkflowId!);

        await h.SettleAsync();

        var record = await h.Service.GetAsync("hourly");
        Assert.Null(record.RunningWorkflowId);
        Assert.Equal(fired.RunWorkflowId, record.LastWorkflowId);
    }

    [Fact]
    public async Task CronSchedule_InATimeZone_FiresAtLocalTimeAcrossTheDaylightSavingChange()
    {
        // New York moves to summer time on Sunday 2026-03-08: 09:00 local is 14:00 UTC before, 13:00 UTC after.
        var start = new DateTimeOffset(2026, 3, 7, 12, 0, 0, TimeSpan.Zero);
        var schedule = Hourly("morning");
        schedule.Interval = null;
        schedule.Cron = "0 9 * * *";
        schedule.TimeZone = "America/New_York";
        await using var h = new ScheduleHarness(new FakeTimeProvider(start), configure: o => o.Schedules.Add(schedule));
        await h.StartAsync();

        var occurrences = new List<DateTimeOffset>();
        for (var day = 0; day < 3; day++)
        {
            var next = (await h.Service.GetAsync("morning")).NextRun!.Value;
            await h.AdvanceToAsync(next);
            occurrences.Add((await h.WaitForAsync(EventTypes.ScheduleFired, e => e.Occurrence == next)).Occurrence!.Value);
        }

        Assert.Equal(
            [new DateTimeOffset(2026, 3, 7, 14, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 8, 13, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 9, 13, 0, 0, TimeSpan.Zero)],
            occurrences.Select(o => o.ToUniversalTime()));
        Assert.All(occurrences, o => Assert.Equal(9, o.Hour));
    }

    [Fact]
    public async Task LateButWithinTolerance_FiresOnTime()
    {
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), configure: o => o.Schedules.Add(Hourly()));
        await h.StartAsync();

        await h.AdvanceToAsync(T0.AddHours(1).AddSeconds(59));

        var fired = await h.WaitForAsync(EventTypes.ScheduleFired);
        Assert.Equal((T0.AddHours(1), false, 0), (fired.Occurrence!.Value, fired.CatchUp, fired.MissedOccurrences));
    }

    [Fact]
    public async Task MissedRuns_SkipPolicy_StartNoRunAndWaitForTheNextFutureOccurrence()
    {
        var store = new InMemoryStateStore();
        var time = new FakeTimeProvider(T0);
        await using (var before = new ScheduleHarness(time, store, o => o.Schedules.Add(Hourly())))
        {
            await before.StartAsync();
        }

        time.SetUtcNow(T0.AddHours(5).AddMinutes(30));
        await using var h = new ScheduleHarness(time, store, o => o.Schedules.Add(Hourly()));
        await h.StartAsync();
        await h.SettleAsync();

        var skipped = await h.WaitForAsync(EventTypes.ScheduleSkipped);
        Assert.Equal((ScheduleSkipReason.Missed, 5, T0.AddHours(5), T0.AddHours(6)), (skipped.SkipReason, skipped.MissedOccurrences, skipped.Occurrence!.Value, skipped.NextRun!.Value));
        Assert.DoesNotContain(h.ScheduleEvents, e => e.Type == EventTypes.ScheduleFired);
        Assert.Empty(await store.ListWorkflowsAsync(CancellationToken.None));
        Assert.Equal(T0.AddHours(6), (await h.Service.GetAsync("hourly")).NextRun);
    }

    [Fact]
    public async Task MissedRuns_RunOncePolicy_StartOneCatchUpRun()
    {
        var store = new InMemoryStateStore();
        var time = new FakeTimeProvider(T0);
        var schedule = Hourly();
        schedule.MissedRunPolicy = MissedRunPolicy.RunOnce;
        await using (var before = new ScheduleHarness(time, store, o => o.Schedules.Add(schedule)))
        {
            await before.StartAsync();
        }

        time.SetUtcNow(T0.AddHours(5).AddMinutes(30));
        await using var h = new ScheduleHarness(time, store, o => o.Schedules.Add(schedule));
        await h.StartAsync();
        await h.SettleAsync();

        var fired = await h.WaitForAsync(EventTypes.ScheduleFired);
        Assert.Equal((true, 5, T0.AddHours(5), T0.AddHours(6)), (fired.CatchUp, fired.MissedOccurrences, fired.Occurrence!.Value, fired.NextRun!.Value));
        await h.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, fired.RunWorkflowId!);
        var workflow = Assert.Single(await store.ListWorkflowsAsync(CancellationToken.None));
        Assert.Equal("true", workflow.Metadata["schedule_catch_up"]);
        Assert.DoesNotContain(h.ScheduleEvents, e => e.Type == EventTypes.ScheduleSkipped);
    }

    [Fact]
    public async Task Overlap_PreviousRunUnfinished_SkipsNamingIt_ThenFiresOnceItFinished()
    {
        var agent = new GatedAgent();
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), configure: o => o.Schedules.Add(Hourly(agent: agent)));
        await h.StartAsync();
        await h.AdvanceToAsync(T0.AddHours(1));
        var first = await h.WaitForAsync(EventTypes.ScheduleFired);
        await agent.Started;

        await h.AdvanceToAsync(T0.AddHours(2));
        var skipped = await h.WaitForAsync(EventTypes.ScheduleSkipped);
        agent.Release();
        await h.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, first.RunWorkflowId!);
        await h.AdvanceToAsync(T0.AddHours(3));
        var third = await h.WaitForAsync(EventTypes.ScheduleFired, e => e.Occurrence == T0.AddHours(3));

        Assert.Equal((ScheduleSkipReason.Overlap, first.RunWorkflowId, T0.AddHours(2), T0.AddHours(3)), (skipped.SkipReason, skipped.RunWorkflowId, skipped.Occurrence!.Value, skipped.NextRun!.Value));
        Assert.Contains("does not allow overlap", skipped.Reason, StringComparison.Ordinal);
        Assert.Equal(RunId("hourly", T0.AddHours(3)), third.RunWorkflowId);
        Assert.Null(await h.Store.GetWorkflowAsync(RunId("hourly", T0.AddHours(2)), CancellationToken.None));
    }

    [Fact]
    public async Task Overlap_Allowed_StartsTheNextRunWhileThePreviousRuns()
    {
        var agent = new GatedAgent();
        var schedule = Hourly(agent: agent);
        schedule.AllowOverlap = true;
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), configure: o => o.Schedules.Add(schedule));
        await h.StartAsync();
        await h.AdvanceToAsync(T0.AddHours(1));
        await h.WaitForAsync(EventTypes.ScheduleFired);
        await agent.Started;

        await h.AdvanceToAsync(T0.AddHours(2));
        var second = await h.WaitForAsync(EventTypes.ScheduleFired, e => e.Occurrence == T0.AddHours(2));
        agent.Release();

        await h.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, second.RunWorkflowId!);
        Assert.DoesNotContain(h.ScheduleEvents, e => e.Type == EventTypes.ScheduleSkipped);
    }

    [Fact]
    public async Task PauseAndResume_NoRunWhilePaused_ThenTheFirstOccurrenceAfterResuming()
    {
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), configure: o => o.Schedules.Add(Hourly()));
        await h.StartAsync();

        await h.Service.PauseAsync("hourly");
        var paused = await h.WaitForAsync(EventTypes.SchedulePaused);
        await h.AdvanceToAsync(T0.AddHours(2).AddMinutes(10));
        Assert.DoesNotContain(h.ScheduleEvents, e => e.Type is EventTypes.ScheduleFired or EventTypes.ScheduleSkipped);
        var resumedRecord = await h.Service.ResumeAsync("hourly");
        var resumed = await h.WaitForAsync(EventTypes.ScheduleResumed);
        await h.AdvanceToAsync(T0.AddHours(3));
        var fired = await h.WaitForAsync(EventTypes.ScheduleFired);

        Assert.Equal("hourly", paused.ScheduleId);
        Assert.Equal((false, T0.AddHours(3)), (resumedRecord.Paused, resumedRecord.NextRun!.Value));
        Assert.Equal(T0.AddHours(3), resumed.NextRun);
        Assert.Equal(T0.AddHours(3), fired.Occurrence);
        Assert.Single(h.ScheduleEvents, e => e.Type == EventTypes.ScheduleFired);
    }

    [Fact]
    public async Task PauseWrittenByAnotherProcess_IsPickedUpAtTheNextRefresh()
    {
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), configure: o =>
        {
            o.Schedules.Add(Hourly());
            o.RefreshInterval = TimeSpan.FromSeconds(2);
        });
        await h.StartAsync();
        await h.SettleAsync();
        var stored = await h.Store.GetScheduleAsync("hourly", CancellationToken.None);

        // Straight to the store, as the console's `schedules pause` does from another process: no wake-up.
        Assert.NotNull(await h.Store.TrySaveScheduleAsync(stored! with { Paused = true }, CancellationToken.None));
        h.Time.Advance(TimeSpan.FromSeconds(2));

        await h.WaitForAsync(EventTypes.SchedulePaused);
        await h.AdvanceToAsync(T0.AddHours(1));
        Assert.DoesNotContain(h.ScheduleEvents, e => e.Type == EventTypes.ScheduleFired);
    }

    [Fact]
    public async Task FiringWhoseWorkflowCannotBeBuilt_PublishesFailed_AndTheNextOccurrenceStillFires()
    {
        var attempts = 0;
        var schedule = Hourly();
        schedule.WorkflowFactory = (firing, _) => Interlocked.Increment(ref attempts) == 1
            ? throw new InvalidOperationException("the template service is down")
            : ValueTask.FromResult(Workflows.EngineFixture.Workflow(Workflows.EngineFixture.NoOp, Workflows.EngineFixture.Task("work")));
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), configure: o => o.Schedules.Add(schedule));
        await h.StartAsync();

        await h.AdvanceToAsync(T0.AddHours(1));
        var failed = await h.WaitForAsync(EventTypes.ScheduleFailed);
        Assert.Null((await h.Service.GetAsync("hourly")).RunningWorkflowId);
        await h.AdvanceToAsync(T0.AddHours(2));
        var fired = await h.WaitForAsync(EventTypes.ScheduleFired);

        Assert.Equal((RunId("hourly", T0.AddHours(1)), "the template service is down"), (failed.RunWorkflowId, failed.Reason));
        Assert.Equal(T0.AddHours(2), fired.Occurrence);
    }

    [Fact]
    public async Task StoredScheduleWithoutPlanOrRegisteredFactory_StaysDueWithoutFailing_UntilDefinedAgain()
    {
        var store = new InMemoryStateStore();
        await store.TrySaveScheduleAsync(new ScheduleRecord { ScheduleId = "orphan", Interval = TimeSpan.FromHours(1), NextRun = T0.AddHours(1), UpdatedAt = T0 }, CancellationToken.None);
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), store);
        await h.StartAsync();

        await h.AdvanceToAsync(T0.AddHours(1));
        await h.SettleAsync();
        Assert.Empty(h.ScheduleEvents);
        Assert.Equal(T0.AddHours(1), (await h.Service.GetAsync("orphan")).NextRun);
        Assert.Empty(await store.ListWorkflowsAsync(CancellationToken.None));

        await h.Service.AddOrUpdateAsync(Hourly("orphan"));
        var fired = await h.WaitForAsync(EventTypes.ScheduleFired);

        Assert.Equal((RunId("orphan", T0.AddHours(1)), T0.AddHours(1), T0.AddHours(2)), (fired.RunWorkflowId, fired.Occurrence!.Value, fired.NextRun!.Value));
    }

    [Fact]
    public async Task ScheduleAddedThroughTheService_FiresWithoutARestart()
    {
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0));
        await h.StartAsync();

        var stored = await h.Service.AddOrUpdateAsync(Hourly("added"));
        await h.AdvanceToAsync(T0.AddHours(1));

        Assert.Equal((1L, T0.AddHours(1)), (stored.Revision, stored.NextRun!.Value));
        Assert.Equal(RunId("added", T0.AddHours(1)), (await h.WaitForAsync(EventTypes.ScheduleFired)).RunWorkflowId);
    }

    [Fact]
    public async Task DeletedSchedule_StopsFiring()
    {
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), configure: o => o.Schedules.Add(Hourly()));
        await h.StartAsync();

        Assert.True(await h.Service.DeleteAsync("hourly"));
        await h.AdvanceToAsync(T0.AddHours(1));

        Assert.Empty(h.ScheduleEvents);
        Assert.Empty(await h.Service.ListAsync());
    }
}

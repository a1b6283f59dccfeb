using System.Collections.Concurrent;
using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Tests.Plans;
using AgentManager.Schedules;
using AgentManager.Tests.Events;
using AgentManager.Tests.Workflows;
using AgentManager.Workflows;
using Microsoft.Extensions.Time.Testing;
using static AgentManager.Tests.Schedules.ScheduleHarness;

namespace AgentManager.Tests.Schedules;

/// <summary>Schedule runners on several hosts that share one store, each host with a store instance of its own: every
/// occurrence is fired once and run once, a run whose host died is taken over, and a host that cannot build a
/// schedule's runs leaves them to one that can. Every store that several hosts may share gets a subclass (SQLite
/// here, PostgreSQL in its package's tests).</summary>
public abstract class SharedStoreScheduleTests
{
    /// <summary>How long a lease lasts, by the engine's default; a host that stopped renewing is dead after it.</summary>
    private static readonly TimeSpan Lease = new AgentManagerOptions().LeaseDuration;

    /// <summary>A fresh store that the test's hosts share.</summary>
    internal abstract ISharedStore CreateShared();

    private static string RunId(DateTimeOffset occurrence) => ScheduleRecords.WorkflowId("hourly", occurrence);

    [Fact]
    public async Task TwoHostsOnOneClock_FireEachOccurrenceOnce_AndRunItOnce()
    {
        await using var shared = CreateShared();
        var time = new FakeTimeProvider(T0);
        var runs = new ConcurrentQueue<string>();
        var agent = EngineFixture.Agent((invocation, _) =>
        {
            runs.Enqueue(invocation.WorkflowId);
            return ValueTask.FromResult(AgentResult.Success());
        });
        await using var a = new ScheduleHarness(time, shared.Open(), o => o.Schedules.Add(Hourly(agent: agent)));
        await using var b = new ScheduleHarness(time, shared.Open(), o => o.Schedules.Add(Hourly(agent: agent)));
        await Task.WhenAll(a.StartAsync(), b.StartAsync());
        var store = shared.Open();

        var occurrences = Enumerable.Range(1, 4).Select(hour => T0.AddHours(hour)).ToList();
        foreach (var occurrence in occurrences)
        {
            time.SetUtcNow(occurrence);
            await Task.WhenAll(a.SettleAsync(), b.SettleAsync());
            await LeaseTests.UntilAsync(async () => (await store.GetWorkflowAsync(RunId(occurrence), CancellationToken.None))?.Status == WorkflowStatus.Completed, $"the run of {occurrence:O}");
        }

        await Task.WhenAll(a.SettleAsync(), b.SettleAsync());
        var fired = a.ScheduleEvents.Concat(b.ScheduleEvents).Where(e => e.Type == EventTypes.ScheduleFired).ToList();
        Assert.Equal(occurrences, fired.Select(e => e.Occurrence!.Value).Order());
        Assert.Equal(occurrences.Select(RunId), runs.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(a.ScheduleEvents.Concat(b.ScheduleEvents), e => e.Type is EventTypes.ScheduleFailed or EventTypes.ScheduleSkipped);
        Assert.Null((await store.GetScheduleAsync("hourly", CancellationToken.None))!.RunningWorkflowId);
    }

    [Fact]
    public async Task RunOfAHostThatStoppedRenewing_IsLeftAloneWhileHeld_ThenTakenOverByAnotherHost_EvenWhileThePauseGoesOn()
    {
        await using var shared = CreateShared();
        var gated = new GatedAgent();
        var deadClock = new FakeTimeProvider(T0);
        var dead = new ScheduleHarness(deadClock, shared.Open(), o => o.Schedules.Add(Hourly(agent: gated)));
        try
        {
            await dead.StartAsync();
            await dead.AdvanceToAsync(T0.AddHours(1));
            var runId = (await dead.WaitForAsync(EventTypes.ScheduleFired)).RunWorkflowId!;
            await gated.Started;

            // The first host's clock stands still from here on, so it never renews its lease: it is as good as dead.
            await using var survivor = new ScheduleHarness(new FakeTimeProvider(T0.AddHours(1)), shared.Open(), o => o.Schedules.Add(Hourly()));
            await survivor.StartAsync();
            await survivor.Service.PauseAsync("hourly"); // a paused schedule starts no run, but its run in progress goes on
            await survivor.AdvanceToAsync(T0.AddHours(1) + Lease - TimeSpan.FromSeconds(1));
            Assert.Equal(runId, (await survivor.Store.GetScheduleAsync("hourly", CancellationToken.None))!.RunningWorkflowId);
            Assert.Equal(WorkflowStatus.Running, (await survivor.Store.GetWorkflowAsync(runId, CancellationToken.None))!.Status);

            await survivor.AdvanceToAsync(T0.AddHours(1) + Lease);
            await survivor.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, runId);
            await survivor.SettleAsync();

            Assert.DoesNotContain(survivor.ScheduleEvents, e => e.Type is EventTypes.ScheduleFired or EventTypes.ScheduleFailed);
            Assert.True((await survivor.Service.GetAsync("hourly")).Paused);
            var transitions = await survivor.Store.GetTransitionsAsync(runId, "work", CancellationToken.None);
            Assert.Contains(transitions, t => t.Trigger == TaskTrigger.LeaseExpired);
            Assert.Single(transitions, t => t.To == TaskState.Completed);
            Assert.Null((await survivor.Store.GetScheduleAsync("hourly", CancellationToken.None))!.RunningWorkflowId);
        }
        finally
        {
            gated.Release();
            await StopQuietlyAsync(dead);
        }
    }

    [Fact]
    public async Task FiringRecordedByAHostThatDiedBeforeCreatingTheRun_IsCreatedByAnotherHostOnceALeaseHasPassed()
    {
        await using var shared = CreateShared();
        var time = new FakeTimeProvider(T0.AddMinutes(59));
        await using var survivor = new ScheduleHarness(time, shared.Open(), o => o.Schedules.Add(Hourly()));
        await survivor.StartAsync();
        var occurrence = T0.AddHours(1);
        var runId = RunId(occurrence);

        // What another host leaves when it dies right after recording a firing: the record, and no workflow.
        await ScheduleRecords.UpdateAsync(
            shared.Open(),
            "hourly",
            stored => stored! with { LastOccurrence = occurrence, LastWorkflowId = runId, RunningWorkflowId = runId, NextRun = T0.AddHours(2), UpdatedAt = occurrence },
            CancellationToken.None);
        await survivor.AdvanceToAsync(occurrence + Lease - TimeSpan.FromSeconds(1));
        Assert.Null(await survivor.Store.GetWorkflowAsync(runId, CancellationToken.None));

        await survivor.AdvanceToAsync(occurrence + Lease);
        var fired = await survivor.WaitForAsync(EventTypes.ScheduleFired);
        await survivor.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, runId);
        await survivor.SettleAsync();

        Assert.Equal((runId, occurrence), (fired.RunWorkflowId, fired.Occurrence!.Value));
        Assert.Single(survivor.ScheduleEvents, e => e.Type == EventTypes.ScheduleFired);
        Assert.Null((await survivor.Store.GetScheduleAsync("hourly", CancellationToken.None))!.RunningWorkflowId);
    }

    [Fact]
    public async Task TwoHostsCreatingTheSameRun_TheLaterCreateIsNotAFailure()
    {
        await using var shared = CreateShared();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var time = new FakeTimeProvider(T0);
        await using var slow = new ScheduleHarness(time, SlowCreateStore.Create(shared.Open(), entered, gate.Task), o => o.Schedules.Add(Hourly()));
        await slow.StartAsync();
        time.SetUtcNow(T0.AddHours(1));
        slow.Wake();
        await entered.Task.WaitAsync(EventTestKit.Patience); // the firing is recorded; its create waits at the gate
        var runId = RunId(T0.AddHours(1));

        // A host starting now finds a recorded firing without its workflow, and creates and runs it.
        await using var other = new ScheduleHarness(time, shared.Open(), o => o.Schedules.Add(Hourly()));
        await other.StartAsync();
        await other.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, runId);
        gate.SetResult();
        await slow.SettleAsync();
        await other.SettleAsync();

        Assert.Single(other.ScheduleEvents, e => e.Type == EventTypes.ScheduleFired);
        Assert.Empty(slow.ScheduleEvents);
        Assert.Equal(WorkflowStatus.Completed, (await other.Store.GetWorkflowAsync(runId, CancellationToken.None))!.Status);
        Assert.Equal(1, (await other.Store.GetTransitionsAsync(runId, "work", CancellationToken.None)).Count(t => t.To == TaskState.Completed));
        var record = (await other.Store.GetScheduleAsync("hourly", CancellationToken.None))!;
        Assert.Equal((runId, (string?)null, T0.AddHours(2)), (record.LastWorkflowId, record.RunningWorkflowId, record.NextRun!.Value));
    }

    [Fact]
    public async Task HostWithoutTheSchedulesFactory_LeavesItDue_ForTheHostThatDefinedIt()
    {
        await using var shared = CreateShared();
        var definingClock = new FakeTimeProvider(T0);
        await using var defining = new ScheduleHarness(definingClock, shared.Open(), o => o.Schedules.Add(Hourly()));
        await defining.StartAsync();
        await using var bare = new ScheduleHarness(new FakeTimeProvider(T0), shared.Open());
        await bare.StartAsync();

        await bare.AdvanceToAsync(T0.AddHours(1).AddSeconds(1));
        await bare.SettleAsync();
        Assert.Empty(bare.ScheduleEvents);
        Assert.Equal(T0.AddHours(1), (await bare.Store.GetScheduleAsync("hourly", CancellationToken.None))!.NextRun);

        await defining.AdvanceToAsync(T0.AddHours(1).AddSeconds(1));
        var fired = await defining.WaitForAsync(EventTypes.ScheduleFired);
        await defining.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, fired.RunWorkflowId!);
        await bare.SettleAsync();

        Assert.Equal(T0.AddHours(1), fired.Occurrence);
        Assert.Empty(bare.ScheduleEvents);
    }

    [Fact]
    public async Task StoredPlanSchedule_DefinedOnOneHost_IsFiredByAnotherThatHasOnlyTheSharedStores()
    {
        await using var shared = CreateShared();
        await using var defining = new ScheduleHarness(new FakeTimeProvider(T0), shared.Open(), plans: shared.OpenPlans());
        await defining.StartAsync();
        await defining.Plans.CreateAsync(new NewTaskPlan { PlanId = "release", Items = [PlanTestKit.Item("build"), PlanTestKit.Item("ship", "build")] });
        var confirmed = await defining.Plans.ConfirmAsync("release");
        await defining.Service.AddOrUpdateAsync(new ScheduleDefinition { Id = "hourly", Interval = TimeSpan.FromHours(1), PlanId = "release", PlanVersion = confirmed.Version });

        // The defining host's clock stands still: only the other host, which defined nothing, finds the schedule due.
        await using var other = new ScheduleHarness(new FakeTimeProvider(T0), shared.Open(), plans: shared.OpenPlans(), worker: EngineFixture.NoOp);
        await other.StartAsync();
        await other.AdvanceToAsync(T0.AddHours(1));
        var fired = await other.WaitForAsync(EventTypes.ScheduleFired);
        await other.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, RunId(T0.AddHours(1)));

        Assert.Equal(RunId(T0.AddHours(1)), fired.RunWorkflowId);
        Assert.Equal(["build", "ship"], (await other.Store.GetTasksAsync(fired.RunWorkflowId!, CancellationToken.None)).Select(t => t.TaskId).Order(StringComparer.Ordinal));
        Assert.Empty(defining.ScheduleEvents);
    }

    private static async Task StopQuietlyAsync(ScheduleHarness harness)
    {
        try
        {
            await harness.DisposeAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException or LeaseLostException or OperationCanceledException)
        {
            // A host whose lease another took over reports that when it stops.
        }
    }
}

public sealed class SqliteScheduleHostsTests : SharedStoreScheduleTests
{
    internal override ISharedStore CreateShared() => new SharedSqliteFile();
}

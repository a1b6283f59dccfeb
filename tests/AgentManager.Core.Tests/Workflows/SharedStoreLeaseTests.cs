using System.Collections.Concurrent;
using AgentManager.Diagnostics;
using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.Extensions.Time.Testing;
using static AgentManager.Tests.Workflows.EngineFixture;
using static AgentManager.Tests.Workflows.LeaseTests;

namespace AgentManager.Tests.Workflows;

/// <summary>Two engines (as two processes would) on one durable store, each through a store instance of its own: a
/// workflow is run by the one that holds its lease, and an engine whose lease was taken over writes nothing more.
/// Every store that several hosts may share gets a subclass (SQLite here, PostgreSQL in its package's tests).</summary>
public abstract class SharedStoreLeaseTests
{
    /// <summary>A fresh store that the test's engines share.</summary>
    internal abstract ISharedStore CreateShared();

    [Fact]
    public async Task ResumeAsync_TwoEnginesAtOnce_ExactlyOneRunsTheWorkflowAndEveryTaskCompletesOnce()
    {
        await using var file = CreateShared();
        var time = new FakeTimeProvider(T0);
        var creator = file.Engine(time);
        await creator.Engine.CreateAsync(Definition(NoOp));
        await creator.DisposeAsync();
        var runs = new ConcurrentQueue<string>();
        var agent = Agent((inv, _) =>
        {
            runs.Enqueue(inv.TaskId);
            return ValueTask.FromResult(AgentResult.Success());
        });
        var engines = new[] { file.Engine(time), file.Engine(time) };

        var attempts = await System.Threading.Tasks.Task.WhenAll(engines.Select(async e =>
        {
            try
            {
                await e.Engine.ResumeAsync(Definition(agent));
                return (Engine: e, Error: (Exception?)null);
            }
            catch (LeaseHeldException ex)
            {
                return (Engine: e, Error: ex);
            }
        }));

        var winner = Assert.Single(attempts, a => a.Error is null).Engine;
        var refused = Assert.IsType<LeaseHeldException>(Assert.Single(attempts, a => a.Error is not null).Error);
        Assert.Equal("shared", refused.Current.WorkflowId);
        await winner.Engine.StartAsync("shared");
        var summary = await winner.Engine.WaitForCompletionAsync("shared").WaitAsync(LadderKit.Patience);
        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"t{i}"), runs);
        var store = file.Open();
        foreach (var task in summary.Tasks)
        {
            Assert.Equal(1, await CompletionsAsync(store, task.TaskId));
        }

        Assert.Null((await store.GetWorkflowAsync("shared", CancellationToken.None))!.LeaseOwner);
    }

    [Fact]
    public async Task LeaseTakenOverAfterExpiry_TheFirstEnginesLaterWritesAreRefusedAndItStopsTheRun()
    {
        await using var file = CreateShared();
        var firstTime = new FakeTimeProvider(T0);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = file.Engine(firstTime);
        var stalled = Agent(async (inv, _) =>
        {
            started.TrySetResult();
            await gate.Task;
            return AgentResult.Success();
        });
        var id = await first.Engine.CreateAsync(Definition(stalled, count: 3));
        await first.Engine.StartAsync(id);
        await started.Task.WaitAsync(LadderKit.Patience);
        var firstFinished = first.Engine.WaitForCompletionAsync(id);

        // The first engine's clock stands still, so it never renews; the second one's is past the lease.
        var second = file.Engine(new FakeTimeProvider(T0 + TimeSpan.FromMinutes(5)));
        await second.Engine.ResumeAsync(Definition(NoOp, count: 3));
        var summary = await second.Engine.WaitForCompletionAsync(id).WaitAsync(LadderKit.Patience);
        gate.SetResult();

        var lost = await Assert.ThrowsAsync<LeaseLostException>(() => firstFinished.WaitAsync(LadderKit.Patience));
        Assert.Equal((id, 1L, 2L), (lost.WorkflowId, lost.HeldToken, lost.CurrentToken));
        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        var store = file.Open();
        foreach (var task in summary.Tasks)
        {
            Assert.Equal(1, await CompletionsAsync(store, task.TaskId));
        }

        var reclaimed = Assert.Single(await store.GetTransitionsAsync(id, "t0", CancellationToken.None), t => t.Trigger == TaskTrigger.LeaseExpired);
        Assert.Contains("expired", reclaimed.Reason, StringComparison.Ordinal);
        Assert.Contains(first.Engine is WorkflowEngine engine ? engine.LeaseOwner : "?", reclaimed.Reason, StringComparison.Ordinal);
        var log = await store.ReadEventsAsync(new EventLogQuery { Filter = new AgentManager.Events.EventFilter(id), Limit = 1000 }, CancellationToken.None);
        Assert.Equal(3, log.Count(e => e.Type == "task_completed"));
    }

    /// <summary>A start that reaches an engine which does not run the workflow is stored; the engine holding the lease
    /// (its creator) starts it at its next poll, with the id of the call that asked on its events.</summary>
    [Fact]
    public async Task Start_OnAHostThatDoesNotRunTheWorkflow_TheHolderStartsItAtItsNextPoll()
    {
        await using var file = CreateShared();
        var holderTime = new FakeTimeProvider(T0);
        var holder = file.Engine(holderTime);
        var id = await holder.Engine.CreateAsync(Definition(NoOp));
        var other = file.Engine(new FakeTimeProvider(T0));
        var store = file.Open();

        using (CorrelationScope.Begin("req-start-3"))
        {
            await other.Engine.StartAsync(id);
        }

        var request = Assert.Single(await store.GetWorkflowRequestsAsync([id], CancellationToken.None));
        Assert.Equal((WorkflowRequestKind.Start, ((WorkflowEngine)other.Engine).LeaseOwner, "req-start-3"), (request.Kind, request.RequestedBy, request.CorrelationId));
        Assert.Equal(WorkflowStatus.Created, (await store.GetWorkflowAsync(id, CancellationToken.None))!.Status);

        holderTime.Advance(TimeSpan.FromSeconds(1)); // the holder's InboxPollInterval

        var summary = await holder.Engine.WaitForCompletionAsync(id).WaitAsync(LadderKit.Patience);
        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Empty(await store.GetWorkflowRequestsAsync([id], CancellationToken.None));
        var log = await store.ReadEventsAsync(new EventLogQuery { Filter = new AgentManager.Events.EventFilter(id), Limit = 1000 }, CancellationToken.None);
        Assert.Equal("req-start-3", Assert.Single(log, e => e.Type == "workflow_started").CorrelationId);
        var late = await Assert.ThrowsAsync<WorkflowStateException>(() => other.Engine.StartAsync(id));
        Assert.Contains("already completed", late.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartCancelOrWait_WhenNoEngineHoldsTheWorkflow_AreRefused()
    {
        await using var file = CreateShared();
        var holder = file.Engine(new FakeTimeProvider(T0));
        var id = await holder.Engine.CreateAsync(Definition(NoOp));
        var other = file.Engine(new FakeTimeProvider(T0 + TimeSpan.FromHours(1))); // the holder never renews: its lease ran out

        var start = await Assert.ThrowsAsync<WorkflowStateException>(() => other.Engine.StartAsync(id));
        var cancel = await Assert.ThrowsAsync<WorkflowStateException>(() => other.Engine.CancelAsync(id, "wrong host"));
        var wait = await Assert.ThrowsAsync<WorkflowStateException>(() => other.Engine.WaitForCompletionAsync(id));

        Assert.Equal($"Workflow '{id}' cannot start: it is created but no engine runs it; resume it first.", start.Message);
        Assert.Equal($"Workflow '{id}' cannot be cancelled: it is created but no engine runs it; resume it first.", cancel.Message);
        Assert.Equal($"Workflow '{id}' is created but no engine runs it; it finishes once an engine resumes it.", wait.Message);
        Assert.Empty(await file.Open().GetWorkflowRequestsAsync([id], CancellationToken.None));
    }

    /// <summary>An engine that does not run a workflow waits for it by watching the store, until the engine that runs it
    /// finishes it.</summary>
    [Fact]
    public async Task Wait_OnAHostThatDoesNotRunTheWorkflow_EndsWhenTheHolderFinishesIt()
    {
        await using var file = CreateShared();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = file.Engine(new FakeTimeProvider(T0));
        var id = await holder.Engine.CreateAsync(Definition(Agent(async (_, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            return AgentResult.Success();
        })));
        await holder.Engine.StartAsync(id);
        var otherTime = new FakeTimeProvider(T0);
        var other = file.Engine(otherTime);

        var wait = other.Engine.WaitForCompletionAsync(id);
        otherTime.Advance(TimeSpan.FromSeconds(3));
        Assert.False(wait.IsCompleted);
        gate.SetResult();
        await holder.Engine.WaitForCompletionAsync(id).WaitAsync(LadderKit.Patience);

        await UntilAsync(
            () =>
            {
                otherTime.Advance(TimeSpan.FromSeconds(1)); // the waiter's InboxPollInterval
                return System.Threading.Tasks.Task.FromResult(wait.IsCompleted);
            },
            "the waiter to see the workflow finished");
        var summary = await wait;
        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.All(summary.Tasks, t => Assert.Equal(TaskState.Completed, t.State));
    }

    /// <summary>A cancel that reaches an engine which does not run the workflow is stored; the engine holding the lease
    /// finds it at its next poll and cancels the run with the first request's reason, its events carrying the id of the
    /// call that asked.</summary>
    [Fact]
    public async Task Cancel_OnAHostThatDoesNotRunTheWorkflow_TheHolderCancelsTheRunAtItsNextPoll()
    {
        await using var file = CreateShared();
        var holderTime = new FakeTimeProvider(T0);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = file.Engine(holderTime);
        var id = await holder.Engine.CreateAsync(Definition(Hanging(started, cancelled), count: 3));
        await holder.Engine.StartAsync(id);
        await started.Task.WaitAsync(LadderKit.Patience);
        var other = file.Engine(new FakeTimeProvider(T0));
        var store = file.Open();

        using (CorrelationScope.Begin("req-cancel-7"))
        {
            await other.Engine.CancelAsync(id, "release withdrawn");
        }

        await other.Engine.CancelAsync(id, "a second thought");
        var startRunning = await Assert.ThrowsAsync<WorkflowStateException>(() => other.Engine.StartAsync(id));
        Assert.Equal($"Workflow '{id}' cannot start: it is running, and only a created workflow starts.", startRunning.Message);
        var request = Assert.Single(await store.GetWorkflowRequestsAsync([id], CancellationToken.None));
        Assert.Equal(("release withdrawn", ((WorkflowEngine)other.Engine).LeaseOwner, "req-cancel-7"), (request.Reason, request.RequestedBy, request.CorrelationId));
        Assert.Equal(WorkflowStatus.Running, (await store.GetWorkflowAsync(id, CancellationToken.None))!.Status);

        holderTime.Advance(TimeSpan.FromSeconds(1)); // the holder's InboxPollInterval

        await cancelled.Task.WaitAsync(LadderKit.Patience);
        var summary = await holder.Engine.WaitForCompletionAsync(id).WaitAsync(LadderKit.Patience);
        Assert.Equal(WorkflowStatus.Cancelled, summary.Status);
        Assert.All(summary.Tasks, t => Assert.Equal(TaskState.Cancelled, t.State));
        Assert.Equal("release withdrawn", (await store.GetWorkflowAsync(id, CancellationToken.None))!.Reason);
        var log = await store.ReadEventsAsync(new EventLogQuery { Filter = new AgentManager.Events.EventFilter(id), Limit = 1000 }, CancellationToken.None);
        var ends = log.Where(e => e.Type is "task_cancelled" or "workflow_cancelled").ToArray();
        Assert.Equal(4, ends.Length);
        Assert.All(ends, e => Assert.Equal("req-cancel-7", e.CorrelationId));
        Assert.Empty(await store.GetWorkflowRequestsAsync([id], CancellationToken.None));
        var late = await Assert.ThrowsAsync<WorkflowStateException>(() => other.Engine.CancelAsync(id));
        Assert.Equal($"Workflow '{id}' cannot be cancelled: it is already cancelled.", late.Message);
    }

    /// <summary>A request stored while one engine held the workflow (running, or created and never started) outlives
    /// that engine: the engine that takes the workflow over cancels it as it resumes it, before any of its tasks runs
    /// again.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cancel_RequestedBeforeTheHolderDied_TheEngineThatTakesTheWorkflowOverCancelsIt(bool startedFirst)
    {
        await using var file = CreateShared();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = file.Engine(new FakeTimeProvider(T0)); // its clock stands still: it never polls nor renews
        var id = await first.Engine.CreateAsync(Definition(Hanging(started, cancelled), count: 2));
        if (startedFirst)
        {
            await first.Engine.StartAsync(id);
            await started.Task.WaitAsync(LadderKit.Patience);
        }

        await file.Engine(new FakeTimeProvider(T0)).Engine.CancelAsync(id, "nobody needs it");

        var ran = 0;
        var later = file.Engine(new FakeTimeProvider(T0 + TimeSpan.FromMinutes(5)));
        await later.Engine.ResumeAsync(Definition(
            Agent((_, _) =>
            {
                Interlocked.Increment(ref ran);
                return ValueTask.FromResult(AgentResult.Success());
            }),
            count: 2));

        var summary = await later.Engine.WaitForCompletionAsync(id).WaitAsync(LadderKit.Patience);
        Assert.Equal((WorkflowStatus.Cancelled, "nobody needs it", 0), (summary.Status, summary.Reason, ran));
        Assert.All(summary.Tasks, t => Assert.Equal(TaskState.Cancelled, t.State));
    }

    /// <summary>A created workflow is held by the engine that created it, which cancels it on another engine's request
    /// without ever starting it.</summary>
    [Fact]
    public async Task Cancel_OfACreatedWorkflowOnAnotherHost_TheCreatorCancelsItUnstarted()
    {
        await using var file = CreateShared();
        var holderTime = new FakeTimeProvider(T0);
        var ran = 0;
        var holder = file.Engine(holderTime);
        var id = await holder.Engine.CreateAsync(Definition(Agent((_, _) =>
        {
            Interlocked.Increment(ref ran);
            return ValueTask.FromResult(AgentResult.Success());
        })));
        var other = file.Engine(new FakeTimeProvider(T0));

        await other.Engine.StartAsync(id); // asked for too, but the cancel wins: the workflow never starts
        await other.Engine.CancelAsync(id, null);
        holderTime.Advance(TimeSpan.FromSeconds(1));

        var summary = await holder.Engine.WaitForCompletionAsync(id).WaitAsync(LadderKit.Patience);
        Assert.Equal((WorkflowStatus.Cancelled, "Cancelled on request.", 0), (summary.Status, summary.Reason, ran));
        Assert.All(summary.Tasks, t => Assert.Equal(TaskState.Cancelled, t.State));
        Assert.All(await holder.Engine.GetTransitionsAsync(id), t => Assert.Equal((TaskState.Pending, TaskState.Cancelled), (t.From, t.To)));
        await Assert.ThrowsAsync<WorkflowStateException>(() => holder.Engine.StartAsync(id));
    }

    /// <summary>On a store that keeps no workflow requests, a start or cancel on the wrong host is refused as before,
    /// naming the engine that runs the workflow.</summary>
    [Fact]
    public async Task StartOrCancel_OnAHostWhoseStoreKeepsNoRequests_IsRefusedNamingTheEngineThatRunsTheWorkflow()
    {
        await using var file = CreateShared();
        var holder = file.Engine(new FakeTimeProvider(T0));
        var id = await holder.Engine.CreateAsync(Definition(NoOp));
        var other = file.Engine(new FakeTimeProvider(T0), wrap: NoWorkflowRequestsStore.Create);

        var start = await Assert.ThrowsAsync<WorkflowStateException>(() => other.Engine.StartAsync(id));
        var cancel = await Assert.ThrowsAsync<WorkflowStateException>(() => other.Engine.CancelAsync(id, "wrong host"));

        var owner = ((WorkflowEngine)holder.Engine).LeaseOwner;
        Assert.StartsWith($"Workflow '{id}' cannot start here: it is created on engine '{owner}' (its lease lasts until ", start.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Workflow '{id}' cannot be cancelled here: it is created on engine '{owner}' (its lease lasts until ", cancel.Message, StringComparison.Ordinal);
        Assert.All([start, cancel], e => Assert.EndsWith("); send the request to the host that runs it.", e.Message, StringComparison.Ordinal));
        Assert.Equal(WorkflowStatus.Created, (await file.Open().GetWorkflowAsync(id, CancellationToken.None))!.Status);
    }

    /// <summary>A container disposed synchronously (<c>using var provider</c>) gives the engine's leases back as an
    /// asynchronous disposal does: another engine resumes the workflow at once, on the same clock, instead of waiting
    /// for the lease to expire; the attempt that was running runs again there.</summary>
    [Fact]
    public async Task SyncDispose_WhileATaskRuns_GivesTheLeaseBack_AndAnotherEngineResumesAtOnce()
    {
        await using var file = CreateShared();
        var time = new FakeTimeProvider(T0);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = file.Engine(time);
        var id = await first.Engine.CreateAsync(Definition(Hanging(started, cancelled), count: 2));
        await first.Engine.StartAsync(id);
        await started.Task.WaitAsync(LadderKit.Patience);

        ((IDisposable)first.Engine).Dispose();

        Assert.True(cancelled.Task.IsCompleted);
        var store = file.Open();
        Assert.Null((await store.GetWorkflowAsync(id, CancellationToken.None))!.LeaseOwner);
        var second = file.Engine(time);
        await second.Engine.ResumeAsync(Definition(NoOp, count: 2));
        var summary = await second.Engine.WaitForCompletionAsync(id).WaitAsync(LadderKit.Patience);
        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(2, (await store.GetTransitionsAsync(id, "t0", CancellationToken.None)).Count(t => t.To == TaskState.Implementing));
        await first.DisposeAsync(); // the provider's own disposal after it finds nothing more to give back
        await second.DisposeAsync();
    }

    /// <summary>An agent that signals <paramref name="started"/>, then runs until cancelled and signals
    /// <paramref name="cancelled"/>.</summary>
    private static IAgentRunner Hanging(TaskCompletionSource started, TaskCompletionSource cancelled) => Agent(async (_, ct) =>
    {
        started.TrySetResult();
        try
        {
            await System.Threading.Tasks.Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            cancelled.TrySetResult();
            throw;
        }

        return AgentResult.Success();
    });

    [Fact]
    public async Task Heartbeat_FindsTheLeaseTakenOver_CancelsTheRunsAttemptsAndWritesNothingMore()
    {
        await using var file = CreateShared();
        var firstTime = new FakeTimeProvider(T0);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = file.Engine(firstTime);
        var id = await first.Engine.CreateAsync(Definition(
            Hanging(started, cancelled),
            count: 2));
        await first.Engine.StartAsync(id);
        await started.Task.WaitAsync(LadderKit.Patience);
        var firstFinished = first.Engine.WaitForCompletionAsync(id);
        var second = file.Engine(new FakeTimeProvider(T0 + TimeSpan.FromMinutes(5)));
        await second.Engine.ResumeAsync(Definition(NoOp, count: 2));
        await second.Engine.WaitForCompletionAsync(id).WaitAsync(LadderKit.Patience);
        var store = file.Open();
        var written = (await store.GetTransitionsAsync(id, null, CancellationToken.None)).Count;

        firstTime.Advance(TimeSpan.FromSeconds(10));

        await cancelled.Task.WaitAsync(LadderKit.Patience);
        var lost = await Assert.ThrowsAsync<LeaseLostException>(() => firstFinished.WaitAsync(LadderKit.Patience));
        Assert.Equal((1L, 2L), (lost.HeldToken, lost.CurrentToken));
        Assert.Contains(lost.CurrentOwner, new[] { null, ((WorkflowEngine)second.Engine).LeaseOwner }); // released once its events are marked
        await first.DisposeAsync();
        Assert.Equal(written, (await store.GetTransitionsAsync(id, null, CancellationToken.None)).Count);
        Assert.Equal(WorkflowStatus.Completed, (await store.GetWorkflowAsync(id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task IdleMarkCommit_FindsTheLeaseTakenOver_CancelsTheRunsAttempts()
    {
        // The loop learns of the loss from its own published-mark commit, not from the heartbeat: it must cancel the
        // run's attempts then, not wait for a next turn that no command will bring.
        await using var file = CreateShared();
        var firstTime = new FakeTimeProvider(T0);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = file.Engine(firstTime);
        var engine = (WorkflowEngine)first.Engine;
        var id = await first.Engine.CreateAsync(Definition(
            Hanging(started, cancelled)));
        await first.Engine.StartAsync(id);
        await started.Task.WaitAsync(LadderKit.Patience);
        await UntilAsync(() => System.Threading.Tasks.Task.FromResult(engine.PublishedMarksWaiting), "marks waiting for the delay");
        var firstFinished = first.Engine.WaitForCompletionAsync(id);
        var second = file.Engine(new FakeTimeProvider(T0 + TimeSpan.FromMinutes(5)));
        await second.Engine.ResumeAsync(Definition(NoOp));
        await second.Engine.WaitForCompletionAsync(id).WaitAsync(LadderKit.Patience);

        firstTime.Advance(WorkflowEngine.PublishedMarkDelay);

        await cancelled.Task.WaitAsync(LadderKit.Patience);
        var lost = await Assert.ThrowsAsync<LeaseLostException>(() => firstFinished.WaitAsync(LadderKit.Patience));
        Assert.Equal((1L, 2L), (lost.HeldToken, lost.CurrentToken));
        Assert.Equal(0L, engine.Renewals);
    }

    [Fact]
    public async Task Heartbeat_RenewsTheLeaseInTime_SoAnotherEngineIsRefusedWhileTheFirstRuns()
    {
        await using var file = CreateShared();
        var time = new FakeTimeProvider(T0);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = file.Engine(time);
        var id = await first.Engine.CreateAsync(Definition(Agent(async (_, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            return AgentResult.Success();
        })));
        await first.Engine.StartAsync(id);
        var store = file.Open();

        var engine = (WorkflowEngine)first.Engine;
        for (var i = 1; i <= 6; i++)
        {
            // A tick while the renewal before it is still finishing is skipped: advance only once it has finished.
            var finished = engine.Renewals;
            time.Advance(TimeSpan.FromSeconds(10));
            var due = T0 + TimeSpan.FromSeconds((10 * i) + 30);
            await UntilAsync(async () => (await store.GetWorkflowAsync(id, CancellationToken.None))!.LeaseExpiresAt == due, $"renewal {i}");
            await UntilAsync(() => System.Threading.Tasks.Task.FromResult(engine.Renewals > finished), $"renewal {i} to finish");
        }

        var second = file.Engine(new FakeTimeProvider(T0 + TimeSpan.FromSeconds(75)));
        var refused = await Assert.ThrowsAsync<LeaseHeldException>(() => second.Engine.ResumeAsync(Definition(NoOp)));
        Assert.Equal(T0 + TimeSpan.FromSeconds(90), refused.Current.ExpiresAt);
        Assert.Equal(T0 + TimeSpan.FromSeconds(90), (await store.GetTaskAsync(id, "t0", CancellationToken.None))!.LeaseExpiresAt);
        gate.SetResult();
        Assert.Equal(WorkflowStatus.Completed, (await first.Engine.WaitForCompletionAsync(id).WaitAsync(LadderKit.Patience)).Status);
    }

    [Fact]
    public async Task CreateAsync_TwoEnginesCreatingOneIdAtOnce_TheLaterCommitIsRefusedAndOnlyTheFirstCreatorRunsIt()
    {
        await using var file = CreateShared();
        var time = new FakeTimeProvider(T0);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var late = file.Engine(time, wrap: inner => SlowCreateStore.Create(inner, entered, gate.Task));
        var first = file.Engine(time);
        var lateCreate = late.Engine.CreateAsync(Definition(NoOp, count: 2));
        await entered.Task.WaitAsync(LadderKit.Patience); // its check found no such id; its commit waits

        await first.Engine.CreateAsync(Definition(NoOp, count: 2));
        gate.SetResult();

        var refused = await Assert.ThrowsAsync<WorkflowExistsException>(() => lateCreate.WaitAsync(LadderKit.Patience));
        Assert.Equal("shared", refused.WorkflowId);
        var store = file.Open();
        var stored = (await store.GetWorkflowAsync("shared", CancellationToken.None))!;
        Assert.Equal((((WorkflowEngine)first.Engine).LeaseOwner, 1L), (stored.LeaseOwner, stored.FencingToken));
        await late.Engine.StartAsync("shared"); // not run here: stored for the first engine
        Assert.Equal(WorkflowRequestKind.Start, Assert.Single(await store.GetWorkflowRequestsAsync(["shared"], CancellationToken.None)).Kind);
        var other = Definition(NoOp, count: 1);
        other.Id = "other";
        Assert.Equal(WorkflowStatus.Completed, (await late.Engine.RunAsync(other).WaitAsync(LadderKit.Patience)).Status);
        await first.Engine.StartAsync("shared");
        Assert.Equal(WorkflowStatus.Completed, (await first.Engine.WaitForCompletionAsync("shared").WaitAsync(LadderKit.Patience)).Status);
        Assert.Equal((1L, 1L), (await CompletionsAsync(store, "t0"), await CompletionsAsync(store, "t1")));
    }
}

public sealed class SqliteLeaseTests : SharedStoreLeaseTests
{
    internal override ISharedStore CreateShared() => new SharedSqliteFile();
}

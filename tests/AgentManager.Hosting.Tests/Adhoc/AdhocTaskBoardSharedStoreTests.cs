using System.Text.Json;
using AgentManager.Events;
using AgentManager.Hosting.Adhoc;
using AgentManager.Hosting.Http;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Tests.Infrastructure;
using AgentManager.Workflows;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace AgentManager.Tests.Adhoc;

/// <summary>Several hosts sharing one store run one flat task DAG: each host's board changes the ad-hoc workflow
/// under the workflow's lease, so that racing changes neither lose each other's writes nor act twice on one read,
/// and a lease another host keeps is waited for, then refused with 503 without changing anything.</summary>
public sealed class AdhocTaskBoardSharedStoreTests
{
    private const string WorkflowId = "adhoc";
    private const int Rounds = 5;

    /// <summary>The race tests wait this long for the other host's lease: the outcome they check does not depend on it.</summary>
    private static readonly TimeSpan Patient = TimeSpan.FromMinutes(2);

    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [InlineData(SharedStore.Sqlite)]
    [InlineData(SharedStore.Memory)]
    [InlineData(SharedStore.Postgres)]
    public async Task AddAsync_FirstTasksOfTwoHostsAtOnce_BothKeepTheirExtras_InOneWorkflow(string kind)
    {
        for (var round = 0; round < Rounds; round++)
        {
            await using var shared = new SharedStore(kind);
            var (a, b) = TwoRacingBoards(shared, nameof(IStateStore.GetWorkflowAsync));

            var failures = await RaceAsync(
                () => a.AddAsync("from-a", "type-a", [], Metadata("a"), null, None),
                () => b.AddAsync("from-b", "type-b", [], Metadata("b"), null, None));

            Assert.All(failures, Assert.Null);
            foreach (var board in new[] { a, b })
            {
                var tasks = await board.ListAsync(None);
                Assert.Equal(["from-a", "from-b"], tasks.Select(t => t.Record.TaskId).Order(StringComparer.Ordinal));
                Assert.All(tasks, AssertExtrasOfItsHost);
                Assert.All(tasks, t => Assert.Equal(TaskState.Ready, t.Record.State));
            }

            var workflow = Assert.Single(await shared.Store.ListWorkflowsAsync(None));
            var events = await shared.Store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter(WorkflowId) }, None);
            Assert.Single(events, e => e.Type == EventTypes.WorkflowCreated);
            Assert.Equal((WorkflowId, WorkflowStatus.Running, null), (workflow.WorkflowId, workflow.Status, workflow.LeaseOwner));
        }
    }

    [Theory]
    [InlineData(SharedStore.Sqlite)]
    [InlineData(SharedStore.Memory)]
    [InlineData(SharedStore.Postgres)]
    public async Task AddAsync_ManyTasksFromTwoHostsAtOnce_KeepsEveryTasksExtras(string kind)
    {
        await using var shared = new SharedStore(kind);
        AdhocTaskBoard[] boards = [shared.Board(leaseWait: Patient), shared.Board(leaseWait: Patient)];
        await boards[0].AddAsync("root", "root", [], null, null, None);

        var failures = await RaceAsync(Enumerable.Range(0, 30).Select(i => (Func<Task>)(() =>
        {
            var host = i % 2 == 0 ? "a" : "b";
            return boards[i % 2].AddAsync($"t{i}-{host}", "type-" + host, i % 3 == 0 ? ["root"] : [], Metadata(host), null, None);
        })).ToArray());

        Assert.All(failures, Assert.Null);
        var tasks = (await boards[1].ListAsync(None)).Where(t => t.Record.TaskId != "root").ToList();
        Assert.Equal(30, tasks.Count);
        Assert.All(tasks, AssertExtrasOfItsHost);
        Assert.Equal(31, (await boards[0].ListAsync(None)).Select(t => t.Record.Ordinal).Distinct().Count());
        Assert.Equal(10, tasks.Count(t => t.Record.State == TaskState.Pending));
    }

    [Theory]
    [InlineData(SharedStore.Sqlite)]
    [InlineData(SharedStore.Memory)]
    [InlineData(SharedStore.Postgres)]
    public async Task StartAsync_OneTaskFromTwoHostsAtOnce_StartsOnce_TheOtherIs409(string kind)
    {
        for (var round = 0; round < Rounds; round++)
        {
            await using var shared = new SharedStore(kind);
            await shared.Board().AddAsync("t", "type", [], null, null, None);
            var (a, b) = TwoRacingBoards(shared, nameof(IStateStore.GetTasksAsync));

            var outcomes = await RaceAsync(() => a.StartAsync("t", null, None), () => b.StartAsync("t", null, None));

            Assert.Single(outcomes, o => o is null);
            var refusal = Assert.IsType<InvalidTransitionException>(Assert.Single(outcomes, o => o is not null));
            Assert.Contains("cannot move from 'implementing'", refusal.Message, StringComparison.Ordinal);
            Assert.Equal(StatusCodes.Status409Conflict, ExceptionProblems.Classify(refusal)?.Status);
            var history = await shared.Store.GetTransitionsAsync(WorkflowId, "t", None);
            Assert.Equal([TaskTrigger.DependenciesMet, TaskTrigger.Start], history.Select(t => t.Trigger));
            var task = (await b.GetAsync("t", None)).Record;
            Assert.Equal((TaskState.Implementing, 1), (task.State, task.Attempt));
        }
    }

    [Theory]
    [InlineData(SharedStore.Sqlite)]
    [InlineData(SharedStore.Memory)]
    [InlineData(SharedStore.Postgres)]
    public async Task CompleteAndFail_OfOneTaskFromTwoHostsAtOnce_OneWins_TheOtherIs409_AndTheHistoryAgrees(string kind)
    {
        for (var round = 0; round < Rounds; round++)
        {
            await using var shared = new SharedStore(kind);
            var setup = shared.Board();
            await setup.AddAsync("t", "type", [], null, null, None);
            await setup.AddAsync("after", "type", ["t"], null, null, None);
            var (a, b) = TwoRacingBoards(shared, nameof(IStateStore.GetTasksAsync));

            var outcomes = await RaceAsync(() => a.CompleteAsync("t", null, null, None), () => b.FailAsync("t", "broken", null, None));

            Assert.Single(outcomes, o => o is null);
            var refusal = Assert.IsType<ApiException>(Assert.Single(outcomes, o => o is not null));
            Assert.Equal(StatusCodes.Status409Conflict, refusal.Status);
            var completed = outcomes[0] is null;
            var history = await shared.Store.GetTransitionsAsync(WorkflowId, "t", None);
            Assert.Single(history, h => h.To.IsTerminal());
            Assert.Single(history, h => h.Trigger == TaskTrigger.Start);
            Assert.Equal(completed ? TaskState.Completed : TaskState.Failed, history[^1].To);
            Assert.Equal(completed ? TaskState.Ready : TaskState.Cancelled, (await b.GetAsync("after", None)).Record.State);
        }
    }

    [Theory]
    [InlineData(SharedStore.Sqlite)]
    [InlineData(SharedStore.Memory)]
    [InlineData(SharedStore.Postgres)]
    public async Task Change_WhileAnotherHostHoldsTheLeasePastTheWait_Is503_AndChangesNothing(string kind)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await using var shared = new SharedStore(kind);
        var board = shared.Board(time);
        await board.AddAsync("a", "type", [], null, null, None);
        var held = await HoldLeaseAsync(shared.Store, time);
        var before = await shared.Store.GetTransitionsAsync(WorkflowId, null, None);

        var start = await Assert.ThrowsAsync<ApiException>(() => AdvanceUntilDoneAsync(time, board.StartAsync("a", null, None)));
        var add = await Assert.ThrowsAsync<ApiException>(() => AdvanceUntilDoneAsync(time, board.AddAsync("b", "type", [], null, null, None)));

        foreach (var refusal in new[] { start, add })
        {
            Assert.Equal(StatusCodes.Status503ServiceUnavailable, refusal.Status);
            Assert.InRange(refusal.RetryAfter!.Value, TimeSpan.FromSeconds(1), AdhocTaskBoard.LeaseDuration);
            Assert.Contains("'other-host' holds the lease of workflow 'adhoc'", refusal.Message, StringComparison.Ordinal);
            Assert.Contains("changed nothing", refusal.Message, StringComparison.Ordinal);
        }

        Assert.Equal(TaskState.Ready, (await board.GetAsync("a", None)).Record.State);
        Assert.Equal(["a"], (await board.ListAsync(None)).Select(t => t.Record.TaskId));
        Assert.Equal(before.Count, (await shared.Store.GetTransitionsAsync(WorkflowId, null, None)).Count);
        var workflow = await shared.Store.GetWorkflowAsync(WorkflowId, None);
        Assert.Equal((held.Owner, held.Token), (workflow!.LeaseOwner, workflow.FencingToken));
    }

    /// <summary>Each change marks the changes before it published (they published their events after their commits),
    /// so an engine's start does not read the board's whole history as unpublished events to relay.</summary>
    [Theory]
    [InlineData(SharedStore.Sqlite)]
    [InlineData(SharedStore.Memory)]
    [InlineData(SharedStore.Postgres)]
    public async Task Changes_FromTwoHosts_LeaveOnlyTheLastChangesEventsUnpublished(string kind)
    {
        await using var shared = new SharedStore(kind);
        var (a, b) = (shared.Board(), shared.Board());
        await a.AddAsync("first", "type", [], null, null, None);
        await b.AddAsync("second", "type", ["first"], null, null, None);
        await a.CompleteAsync("first", null, null, None);
        var beforeLast = (await shared.Store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter(WorkflowId), Limit = 1_000 }, None)).Count;

        await b.StartAsync("second", null, None);

        var logged = await shared.Store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter(WorkflowId), Limit = 1_000 }, None);
        var unpublished = await shared.Store.ReadUnpublishedEventsAsync(WorkflowId, None);
        Assert.Equal(logged.Skip(beforeLast).Select(e => e.Type), unpublished.Select(e => e.Type));
        Assert.Equal([TaskTrigger.Start], unpublished.OfType<TaskTransition>().Select(t => t.Trigger));
    }

    [Theory]
    [InlineData(SharedStore.Sqlite)]
    [InlineData(SharedStore.Memory)]
    [InlineData(SharedStore.Postgres)]
    public async Task Change_WaitsForALeaseAnotherHostGivesBack_ThenIsMade(string kind)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await using var shared = new SharedStore(kind);
        var board = shared.Board(time);
        await board.AddAsync("a", "type", [], null, null, None);
        var held = await HoldLeaseAsync(shared.Store, time);

        var start = board.StartAsync("a", null, None);
        for (var i = 0; i < 10; i++)
        {
            // A second of the five the change waits: it cannot end while the lease is held.
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(5);
        }

        Assert.False(start.IsCompleted);
        var giveBack = new StateChanges();
        giveBack.FencingTokens[WorkflowId] = held.Token;
        giveBack.ReleasedLeases.Add(WorkflowId);
        await shared.Store.CommitAsync(giveBack, None);
        var started = await AdvanceUntilDoneAsync(time, start);

        Assert.Equal(TaskState.Implementing, started.State);
        Assert.Equal([TaskTrigger.DependenciesMet, TaskTrigger.Start], (await shared.Store.GetTransitionsAsync(WorkflowId, "a", None)).Select(t => t.Trigger));
        var workflow = await shared.Store.GetWorkflowAsync(WorkflowId, None);
        Assert.Equal((null, held.Token + 1), (workflow!.LeaseOwner, workflow.FencingToken));
    }

    [Theory]
    [InlineData(SharedStore.Sqlite)]
    [InlineData(SharedStore.Memory)]
    [InlineData(SharedStore.Postgres)]
    public async Task Change_WaitingForAnotherHostsLease_IsCancelled_AndChangesNothing(string kind)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await using var shared = new SharedStore(kind);
        var board = shared.Board(time);
        await board.AddAsync("a", "type", [], null, null, None);
        var held = await HoldLeaseAsync(shared.Store, time);
        using var abort = new CancellationTokenSource();

        var start = board.StartAsync("a", null, abort.Token);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await abort.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AdvanceUntilDoneAsync(time, start));
        var workflow = await shared.Store.GetWorkflowAsync(WorkflowId, None);
        Assert.Equal((held.Owner, held.Token), (workflow!.LeaseOwner, workflow.FencingToken));
        Assert.Equal(TaskState.Ready, (await board.GetAsync("a", None)).Record.State);
    }

    [Theory]
    [InlineData(SharedStore.Sqlite)]
    [InlineData(SharedStore.Memory)]
    [InlineData(SharedStore.Postgres)]
    public async Task Change_WhoseLeaseIsTakenOverBeforeItCommits_IsRefusedByTheStore_AndMadeAgainOnAFreshRead(string kind)
    {
        await using var shared = new SharedStore(kind);
        await shared.Board().AddAsync("a", "type", [], null, null, None);
        var board = shared.Board(wrap: TakeOverOnceStore.Create);

        var started = await board.StartAsync("a", null, None);

        Assert.Equal((TaskState.Implementing, 1), (started.State, started.Attempt));
        Assert.Equal([TaskTrigger.DependenciesMet, TaskTrigger.Start], (await shared.Store.GetTransitionsAsync(WorkflowId, "a", None)).Select(t => t.Trigger));
        var workflow = await shared.Store.GetWorkflowAsync(WorkflowId, None);

        // Tokens: 1 the board's refused commit, 2 the other host's, 3 the board's change made again.
        Assert.Equal((null, 3L), (workflow!.LeaseOwner, workflow.FencingToken));
    }

    [Fact]
    public async Task Http_LeaseHeldByAnotherHostPastTheWait_Is503WithRetryAfter()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await using var api = await TestApi.StartAsync(new TestApiOptions { Services = s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(time)) });
        await api.PostJsonAsync("/tasks", new { node_id = "a", task_type = "t" }, HttpStatusCode.Created);
        await HoldLeaseAsync(api.Store, time);

        using var response = await AdvanceUntilDoneAsync(time, api.Client.PostAsync("/tasks/a/start", null));

        var problem = await TestApi.ReadAsync(response, HttpStatusCode.ServiceUnavailable);
        Problem.AssertShape(problem, 503, response);
        Assert.InRange(response.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), AdhocTaskBoard.LeaseDuration);
        Assert.EndsWith("retry it after 10 s.", Problem.Detail(problem), StringComparison.Ordinal);
        Assert.Equal("ready", (string)(await api.GetJsonAsync("/tasks/a"))["status"]!);
    }

    [Fact]
    public async Task Engine_StartingOnTheSharedStore_LeavesTheAdhocWorkflowAlone_EvenWithItsLeaseExpired()
    {
        await using var shared = new SharedStore(SharedStore.Sqlite);
        var board = shared.Board();
        await board.AddAsync("a", "type", [], null, null, None);
        await board.AddAsync("b", "type", ["a"], null, null, None);
        var now = TimeProvider.System.GetUtcNow();

        // A host that died in the middle of a change, long ago: the lease is free for anyone.
        var dead = await shared.Store.AcquireLeaseAsync(
            new LeaseClaim { WorkflowId = WorkflowId, Owner = "tasks-api:gone/1/dead", Now = now - TimeSpan.FromHours(1), ExpiresAt = now - TimeSpan.FromMinutes(59) }, None);

        // A workflow finished by an engine that died before publishing its last event; a starting engine relays it
        // after it looked at the ad-hoc workflow (whose events were committed earlier and are never marked published).
        var finished = new StateChanges();
        finished.CreatedWorkflows.Add("finished-elsewhere");
        finished.Workflows.Add(new WorkflowRecord { WorkflowId = "finished-elsewhere", Status = WorkflowStatus.Completed, CreatedAt = now, StartedAt = now, FinishedAt = now });
        finished.Events.Add(new WorkflowEvent(EventTypes.WorkflowCompleted, "finished-elsewhere", now));
        await shared.Store.CommitAsync(finished, None);

        await using var host = await TestApi.StartAsync(new TestApiOptions { AgentManager = b => b.UseSqliteStore(o => o.Path = shared.DatabasePath) });
        await Poll.UntilAsync(async () => (await shared.Store.ReadUnpublishedEventsAsync("finished-elsewhere", None)).Count == 0, "the new engine relayed the finished workflow");

        var adhoc = await shared.Store.GetWorkflowAsync(WorkflowId, None);
        Assert.Equal((WorkflowStatus.Running, dead.Owner, dead.Token), (adhoc!.Status, adhoc.LeaseOwner, adhoc.FencingToken));
        var engine = host.Services.GetRequiredService<IWorkflowEngine>();
        await Assert.ThrowsAsync<WorkflowStateException>(() => engine.WaitForCompletionAsync(WorkflowId));

        // The new host's board takes the expired lease over, and gives it back with its change.
        await host.PostJsonAsync("/tasks/a/complete", null, HttpStatusCode.OK);
        Assert.Equal("ready", (string)(await host.GetJsonAsync("/tasks/b"))["status"]!);
        adhoc = await shared.Store.GetWorkflowAsync(WorkflowId, None);
        Assert.Equal((null, dead.Token + 1), (adhoc!.LeaseOwner, adhoc.FencingToken));
    }

    /// <summary>Two boards, as two hosts have, whose last reads before they write wait for each other: unless the lease
    /// keeps them apart, both read before either writes. Adding the first task reads the workflow last (it finds none);
    /// a move reads the tasks last.</summary>
    private static (AdhocTaskBoard A, AdhocTaskBoard B) TwoRacingBoards(SharedStore shared, string lastRead)
    {
        var meeting = new Rendezvous(2);
        return (shared.Board(leaseWait: Patient, wrap: s => RendezvousStore.Create(s, meeting, lastRead)),
            shared.Board(leaseWait: Patient, wrap: s => RendezvousStore.Create(s, meeting, lastRead)));
    }

    private static JsonElement Metadata(string host) => JsonElement.Parse($$"""{"host":"{{host}}"}""");

    /// <summary>A task added by host <c>x</c> has the type <c>type-x</c> and the metadata <c>{"host":"x"}</c>.</summary>
    private static void AssertExtrasOfItsHost(AdhocTask task)
    {
        var host = task.Record.TaskId[^1..];
        Assert.Equal("type-" + host, task.TaskType);
        Assert.Equal($$"""{"host":"{{host}}"}""", task.Metadata.GetRawText());
    }

    private static Task<WorkflowLease> HoldLeaseAsync(IStateStore store, TimeProvider time) =>
        store.AcquireLeaseAsync(new LeaseClaim { WorkflowId = WorkflowId, Owner = "other-host", Now = time.GetUtcNow(), ExpiresAt = time.GetUtcNow() + TimeSpan.FromHours(1) }, None);

    /// <summary>Runs the racers together: each waits at one gate, opened once all are waiting.</summary>
    /// <returns>What each racer threw, or <see langword="null"/> for each that succeeded, in the racers' order.</returns>
    private static async Task<Exception?[]> RaceAsync(params Func<Task>[] racers)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = racers.Select(async racer =>
        {
            await gate.Task;
            try
            {
                await racer();
                return null;
            }
            catch (Exception ex) when (ex is ApiException or AgentManagerException)
            {
                return ex;
            }
        }).ToArray();
        gate.SetResult();
        return await Task.WhenAll(running);
    }

    /// <summary>Moves the fake clock on in small steps until the change ends; an hour of them means it hangs.</summary>
    private static async Task<T> AdvanceUntilDoneAsync<T>(FakeTimeProvider time, Task<T> change)
    {
        for (var step = 0; !change.IsCompleted; step++)
        {
            Assert.True(step < 36_000, "The change did not end within an hour of fake time.");
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(2);
        }

        return await change;
    }
}

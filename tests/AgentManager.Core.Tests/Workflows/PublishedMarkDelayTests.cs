using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.Extensions.Time.Testing;
using static AgentManager.Tests.Workflows.EngineFixture;

namespace AgentManager.Tests.Workflows;

/// <summary>The published marks of an idle engine wait a short delay for the next batch to carry them, so that a
/// busy engine with small batches does not pay a commit for marks alone after each of them; the delay widens the
/// window of events published again after a crash, and nothing else.</summary>
public sealed class PublishedMarkDelayTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    /// <summary>a, then b, then c; b and c wait at their gate.</summary>
    private static WorkflowDefinition Definition(IAgentRunner agent)
    {
        var workflow = Workflow(agent, Task("a"), Task("b", "a"), Task("c", "b"));
        workflow.Id = "marked";
        return workflow;
    }

    private static async Task<(string, string?)[]> UnpublishedAsync(IStateStore store) =>
        Keys(await store.ReadUnpublishedEventsAsync("marked", CancellationToken.None));

    private static (string, string?)[] Keys(IEnumerable<AgentManagerEvent> events) =>
        events.Where(e => e.WorkflowId == "marked").Select(e => (e.Type, (e as TaskEvent)?.TaskId)).ToArray();

    private static async Task<(string, string?)[]> LogAsync(IStateStore store) =>
        (await store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter("marked"), Limit = 1000 }, CancellationToken.None)).Select(e => (e.Type, e.TaskId)).ToArray();

    /// <summary>Runs the workflow until b's agent runs and the loop has gone idle with the marks of that batch.</summary>
    private static async Task<Gates> RunUntilBWaitsAsync(WorkflowEngine engine)
    {
        var gates = new Gates();
        await engine.CreateAsync(Definition(gates.Agent));
        await engine.StartAsync("marked");
        await gates.Started["b"].Task.WaitAsync(LadderKit.Patience);
        await LeaseTests.UntilAsync(() => System.Threading.Tasks.Task.FromResult(engine.PublishedMarksWaiting), "the loop to go idle with marks");
        return gates;
    }

    [Fact]
    public async Task IdleEngine_StoresThePublishedMarksOnlyOnceTheDelayHasPassed()
    {
        var time = new FakeTimeProvider(T0);
        var (store, recorder) = RecordingStore.Create(new InMemoryStateStore());
        await using var fixture = new EngineFixture(time: time, store: store);
        var engine = (WorkflowEngine)fixture.Engine;
        await RunUntilBWaitsAsync(engine);
        var commits = recorder.Commits.Count;
        Assert.Contains((EventTypes.TaskStarted, "b"), await UnpublishedAsync(store));

        time.Advance(WorkflowEngine.PublishedMarkDelay - TimeSpan.FromTicks(1));

        Assert.True(engine.PublishedMarksWaiting);
        Assert.Equal(commits, recorder.Commits.Count);
        Assert.Contains((EventTypes.TaskStarted, "b"), await UnpublishedAsync(store));

        time.Advance(TimeSpan.FromTicks(1));

        await LeaseTests.UntilAsync(async () => (await UnpublishedAsync(store)).Length == 0, "the delayed marks");
        var marks = Assert.Single(recorder.Commits.Skip(commits));
        Assert.True(marks.MarksOnly);
        Assert.Equal(["marked"], marks.Published);
        Assert.Empty(marks.Released); // the workflow runs on: its lease stays
        Assert.Equal(engine.LeaseOwner, (await store.GetWorkflowAsync("marked", CancellationToken.None))!.LeaseOwner);
    }

    [Fact]
    public async Task MarksWaiting_RideTheNextBatch_WithoutACommitOfTheirOwn()
    {
        var time = new FakeTimeProvider(T0);
        var (store, recorder) = RecordingStore.Create(new InMemoryStateStore());
        await using var fixture = new EngineFixture(time: time, store: store);
        var engine = (WorkflowEngine)fixture.Engine;
        var gates = await RunUntilBWaitsAsync(engine);
        var commits = recorder.Commits.Count;
        var waiting = await UnpublishedAsync(store);

        gates.Release["b"].SetResult();
        await gates.Started["c"].Task.WaitAsync(LadderKit.Patience);

        var next = recorder.Commits.Skip(commits).ToArray();
        Assert.NotEmpty(next);
        Assert.DoesNotContain(next, commit => commit.MarksOnly);
        Assert.Equal(["marked"], next[0].Published);
        Assert.Contains((EventTypes.TaskCompleted, "b"), await UnpublishedAsync(store));
        Assert.DoesNotContain(await UnpublishedAsync(store), waiting.Contains);
    }

    /// <summary>A stop stores the marks still waiting and gives the lease back, also when the container is disposed
    /// synchronously.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stop_WithMarksWaiting_StoresThemAndReleasesTheLease(bool synchronousDispose)
    {
        var time = new FakeTimeProvider(T0);
        var store = new InMemoryStateStore();
        await using var fixture = new EngineFixture(time: time, store: store);
        var engine = (WorkflowEngine)fixture.Engine;
        await RunUntilBWaitsAsync(engine);
        Assert.NotEmpty(await UnpublishedAsync(store));

        if (synchronousDispose)
        {
            engine.Dispose();
        }
        else
        {
            await engine.StopAsync(CancellationToken.None);
        }

        Assert.Empty(await UnpublishedAsync(store));
        Assert.Null((await store.GetWorkflowAsync("marked", CancellationToken.None))!.LeaseOwner);
    }

    [Fact]
    public async Task FinishedWorkflow_ReleasesItsLeaseWithItsLastMarks_WithoutWaitingForTheDelay()
    {
        var time = new FakeTimeProvider(T0);
        var store = new InMemoryStateStore();
        await using var fixture = new EngineFixture(time: time, store: store);
        var gates = new Gates();
        foreach (var gate in gates.Release.Values)
        {
            gate.SetResult();
        }

        var summary = await fixture.Engine.RunAsync(Definition(gates.Agent)).WaitAsync(LadderKit.Patience);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        await LeaseTests.UntilAsync(async () => (await store.GetWorkflowAsync("marked", CancellationToken.None))!.LeaseOwner is null, "the lease release");
        Assert.Empty(await UnpublishedAsync(store));
    }

    [Fact]
    public async Task CrashBeforeTheDelayedMark_ResumePublishesExactlyTheUnmarkedEventsAgain()
    {
        await using var file = new SharedSqliteFile();
        var time = new FakeTimeProvider(T0);
        var crashing = new CrashingBus();
        RecordingStore? recorder = null;
        var first = file.Engine(time, crashing, inner =>
        {
            var (store, killable) = RecordingStore.Create(inner);
            recorder = killable;
            return store;
        });
        var engine = (WorkflowEngine)first.Engine;
        await RunUntilBWaitsAsync(engine);
        var observer = file.Open();
        var unmarked = await UnpublishedAsync(observer);
        Assert.NotEmpty(unmarked);
        Assert.Equal(unmarked, Keys(crashing.Published).TakeLast(unmarked.Length)); // published, not yet marked
        var abandoned = engine.WaitForCompletionAsync("marked");

        recorder!.Kill();
        time.Advance(WorkflowEngine.PublishedMarkDelay);

        await Assert.ThrowsAnyAsync<Exception>(() => abandoned.WaitAsync(LadderKit.Patience));
        Assert.Equal(unmarked, await UnpublishedAsync(observer));

        var fresh = new CrashingBus();
        var second = file.Engine(new FakeTimeProvider(T0 + TimeSpan.FromMinutes(5)), fresh);
        await second.Engine.ResumeAsync(Definition(NoOp));
        var summary = await second.Engine.WaitForCompletionAsync("marked").WaitAsync(LadderKit.Patience);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(unmarked, Keys(fresh.Published).Take(unmarked.Length));
        await LeaseTests.UntilAsync(async () => (await observer.ReadUnpublishedEventsAsync(null, CancellationToken.None)).Count == 0, "the last marks");
        Assert.Equal(await LogAsync(observer), Keys(crashing.Published).Concat(Keys(fresh.Published).Skip(unmarked.Length)));
    }

    /// <summary>An agent that completes a at once and makes b and c wait until released.</summary>
    private sealed class Gates
    {
        public Dictionary<string, TaskCompletionSource> Started { get; } = NewGates();

        public Dictionary<string, TaskCompletionSource> Release { get; } = NewGates();

        public IAgentRunner Agent => EngineFixture.Agent(async (invocation, cancellationToken) =>
        {
            if (Started.TryGetValue(invocation.TaskId, out var started))
            {
                started.TrySetResult();
                await Release[invocation.TaskId].Task.WaitAsync(cancellationToken);
            }

            return AgentResult.Success();
        });

        private static Dictionary<string, TaskCompletionSource> NewGates() => new()
        {
            ["b"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
            ["c"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        };
    }
}

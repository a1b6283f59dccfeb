using AgentManager.Events;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.Extensions.Time.Testing;
using static AgentManager.Tests.Workflows.EngineFixture;

namespace AgentManager.Tests.Workflows;

/// <summary>An engine dies between committing a batch and publishing its events; a fresh engine on the same store
/// publishes exactly those events, once, so that subscribers see the event log, no event lost or repeated. Every
/// durable store gets a subclass (SQLite here, PostgreSQL in its package's tests).</summary>
public abstract class OutboxTests
{
    /// <summary>A fresh store that the test's engines share.</summary>
    internal abstract ISharedStore CreateShared();

    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 9, 0, 0, TimeSpan.Zero);

    private static WorkflowDefinition Definition()
    {
        var workflow = Workflow(NoOp, Task("a"), Task("b", "a"), Task("c", "b"));
        workflow.Id = "outboxed";
        return workflow;
    }

    private static async Task<(string, string?)[]> LogAsync(IStateStore store) =>
        (await store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter("outboxed"), Limit = 1000 }, CancellationToken.None))
            .Select(e => (e.Type, e.TaskId)).ToArray();

    private static (string, string?)[] Seen(params CrashingBus[] buses) =>
        buses.SelectMany(b => b.Published).Where(e => e.WorkflowId == "outboxed").Select(e => (e.Type, EventLogTaskId(e))).ToArray();

    private static string? EventLogTaskId(AgentManagerEvent e) => e switch
    {
        TaskEvent t => t.TaskId,
        TaskEscalatedEvent t => t.TaskId,
        HumanInboxEvent t => t.TaskId,
        _ => null,
    };

    /// <summary>Kills the engine's loop right after it committed the batch with the chosen event, before any event
    /// of that batch is published.</summary>
    private static void CrashAfterCommitOf(EngineFixture fixture, Func<AgentManagerEvent, bool> predicate) =>
        ((WorkflowEngine)fixture.Engine).AfterCommit = changes =>
        {
            if (changes.Events.Any(predicate))
            {
                throw new IOException("Killed between the commit and the publishing of its events.");
            }
        };

    [Fact]
    public async Task Resume_AfterACrashBetweenCommitAndPublish_PublishesTheUnpublishedEventsOnceBeforeItsOwn()
    {
        await using var file = CreateShared();
        var crashing = new CrashingBus();
        var first = file.Engine(new FakeTimeProvider(T0), crashing);
        CrashAfterCommitOf(first, e => e is TaskEvent { TaskId: "b", Type: EventTypes.TaskCompleted });
        var id = await first.Engine.CreateAsync(Definition());
        await first.Engine.StartAsync(id);
        await Assert.ThrowsAnyAsync<Exception>(() => first.Engine.WaitForCompletionAsync(id).WaitAsync(LadderKit.Patience));
        var store = file.Open();
        var committedBeforeResume = await LogAsync(store);
        Assert.Contains(("task_completed", "b"), committedBeforeResume);
        Assert.DoesNotContain(("task_completed", "b"), Seen(crashing));
        Assert.NotEmpty(await store.ReadUnpublishedEventsAsync(id, CancellationToken.None));

        var fresh = new CrashingBus();
        var second = file.Engine(new FakeTimeProvider(T0 + TimeSpan.FromMinutes(5)), fresh);
        await second.Engine.ResumeAsync(Definition());
        var summary = await second.Engine.WaitForCompletionAsync(id).WaitAsync(LadderKit.Patience);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(committedBeforeResume, Seen(crashing, fresh).Take(committedBeforeResume.Length));
        await LeaseTests.UntilAsync(async () => (await store.ReadUnpublishedEventsAsync(null, CancellationToken.None)).Count == 0, "the last marks");
        Assert.Equal(await LogAsync(store), Seen(crashing, fresh));
        Assert.Single(Seen(crashing, fresh), e => e == ("task_completed", "b"));
    }

    [Fact]
    public async Task Start_AfterACrashBeforeTheLastEventsOfAFinishedWorkflow_RelaysThemOnce()
    {
        await using var file = CreateShared();
        var crashing = new CrashingBus();
        var first = file.Engine(new FakeTimeProvider(T0), crashing);
        CrashAfterCommitOf(first, e => e.Type == EventTypes.WorkflowCompleted);
        var id = await first.Engine.CreateAsync(Definition());
        await first.Engine.StartAsync(id);
        await Assert.ThrowsAnyAsync<Exception>(() => first.Engine.WaitForCompletionAsync(id).WaitAsync(LadderKit.Patience));
        var store = file.Open();
        Assert.Equal(WorkflowStatus.Completed, (await store.GetWorkflowAsync(id, CancellationToken.None))!.Status);
        Assert.DoesNotContain(Seen(crashing), e => e.Item1 == "workflow_completed");

        var fresh = new CrashingBus();
        var second = file.Engine(new FakeTimeProvider(T0 + TimeSpan.FromMinutes(5)), fresh);
        await ((WorkflowEngine)second.Engine).StartAsync(CancellationToken.None);
        await LeaseTests.UntilAsync(async () => (await store.GetWorkflowAsync(id, CancellationToken.None))!.LeaseOwner is null, "the relay to finish");

        Assert.Equal(await LogAsync(store), Seen(crashing, fresh));
        Assert.Empty(await store.ReadUnpublishedEventsAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Run_WithoutACrash_MarksEveryEventPublishedAndReleasesTheLease()
    {
        await using var file = CreateShared();
        var fixture = file.Engine(TimeProvider.System);
        var store = file.Open();

        var summary = await fixture.RunAsync(Definition());

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        await LeaseTests.UntilAsync(async () => (await store.GetWorkflowAsync("outboxed", CancellationToken.None))!.LeaseOwner is null, "the lease release");
        Assert.Empty(await store.ReadUnpublishedEventsAsync(null, CancellationToken.None));
    }
}

public sealed class SqliteOutboxTests : OutboxTests
{
    internal override ISharedStore CreateShared() => new SharedSqliteFile();
}

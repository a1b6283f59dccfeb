using AgentManager.Diagnostics;
using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using static AgentManager.Tests.Workflows.EngineFixture;

namespace AgentManager.Tests.Workflows;

/// <summary>Each move of a task is one <see cref="TaskTransition"/> on the bus; the task's history and the event log
/// give it back equal, with its reason, correlation id and sequence.</summary>
public sealed class TransitionEventTests
{
    private readonly InMemoryStateStore _store = new();

    /// <summary>"a" fails its first attempt ("tests fail") and passes its second.</summary>
    private static WorkflowDefinition FailsOnce(string id)
    {
        var agent = Agent((i, _) => ValueTask.FromResult(i.Attempt == 1 ? AgentResult.Failure("tests fail") : AgentResult.Success("ok")));
        var workflow = Workflow(agent, Task("a"));
        workflow.Id = id;
        return workflow;
    }

    private static async Task<(List<AgentManagerEvent> Published, WorkflowSummary Summary)> RunWatchingAsync(EngineFixture fixture, WorkflowDefinition workflow, string? correlationId = null)
    {
        var published = new List<AgentManagerEvent>();
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = fixture.Bus.Subscribe<AgentManagerEvent>((e, _) =>
        {
            lock (published)
            {
                published.Add(e);
            }

            if (e is WorkflowEvent { Type: EventTypes.WorkflowCompleted or EventTypes.WorkflowFailed })
            {
                finished.TrySetResult();
            }

            return ValueTask.CompletedTask;
        });
        using (correlationId is null ? null : CorrelationScope.Begin(correlationId))
        {
            await fixture.Engine.CreateAsync(workflow);
            await fixture.Engine.StartAsync(workflow.Id!);
        }

        var summary = await fixture.Engine.WaitForCompletionAsync(workflow.Id!).WaitAsync(TimeSpan.FromMinutes(1));
        await finished.Task.WaitAsync(TimeSpan.FromMinutes(1));
        lock (published)
        {
            return ([.. published], summary);
        }
    }

    [Fact]
    public async Task EachMove_ReadBackFromTheHistoryAndTheLog_EqualsThePublishedMove()
    {
        await using var fixture = new EngineFixture(o => o.Retry.MaxAttempts = 2, store: _store);

        var (published, summary) = await RunWatchingAsync(fixture, FailsOnce("one-object"));

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        var history = await fixture.Engine.GetTransitionsAsync("one-object", "a");
        Assert.Equal(
            [TaskTrigger.DependenciesMet, TaskTrigger.Start, TaskTrigger.AttemptFailed, TaskTrigger.Retry, TaskTrigger.Start, TaskTrigger.ImplementationSucceeded, TaskTrigger.VerificationPassed],
            history.Select(t => t.Trigger));
        var taskEvents = published.OfType<TaskEvent>().ToList();
        Assert.Equal(history.Count, taskEvents.Count);
        for (var i = 0; i < history.Count; i++)
        {
            Assert.Equal(taskEvents[i], history[i]);
            Assert.Same(taskEvents[i], taskEvents[i].Transition);
            Assert.True(taskEvents[i].Sequence > 0);
            Assert.Equal(taskEvents[i].Sequence, history[i].Sequence);
        }

        var log = await _store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter("one-object") }, CancellationToken.None);
        var logged = log.Where(e => e.TaskId == "a").ToList();
        Assert.Equal(history, logged.Select(e => e.Transition!));
        Assert.Equal(history.Select(t => t.Type), logged.Select(e => e.Type));
        var failed = Assert.Single(logged, e => e.Type == EventTypes.TaskAttemptFailed);
        Assert.Equal("tests fail", failed.Reason);
        Assert.Equal("tests fail", failed.Transition!.Reason);
        Assert.Equal(1, failed.Transition.Attempt);
    }

    [Fact]
    public async Task EachMove_InACorrelationScope_CarriesItsIdOnTheBusInTheHistoryAndInTheLog()
    {
        await using var fixture = new EngineFixture(o => o.Retry.MaxAttempts = 2, store: _store);

        var (published, _) = await RunWatchingAsync(fixture, FailsOnce("correlated"), "req-7");

        var history = await fixture.Engine.GetTransitionsAsync("correlated", "a");
        var taskEvents = published.OfType<TaskEvent>().ToList();
        Assert.Equal(history.Count, taskEvents.Count);
        Assert.All(taskEvents, e => Assert.Equal("req-7", e.CorrelationId));
        Assert.All(history, t => Assert.Equal("req-7", t.CorrelationId));
        Assert.Equal(history, taskEvents.Cast<TaskTransition>());

        var log = await _store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter("correlated") }, CancellationToken.None);
        Assert.All(log, e => Assert.Equal("req-7", e.CorrelationId));
    }

    [Fact]
    public async Task UnpublishedEvents_ReadBack_AreCopiesEqualToTheMoves()
    {
        await using var fixture = new EngineFixture(store: _store);

        await fixture.RunAsync(FailsOnceNever("copies"));

        var history = await fixture.Engine.GetTransitionsAsync("copies", "a");
        var moved = history[^1];
        var copy = (TaskTransition)LoggedEvent.Of(1, moved).UnpublishedAt(0);
        Assert.NotSame(moved, copy);
        Assert.Equal(moved, copy);
        Assert.Equal(0, copy.Sequence);
        Assert.Equal(moved.Type, copy.Type);
    }

    private static WorkflowDefinition FailsOnceNever(string id)
    {
        var workflow = Workflow(NoOp, Task("a"));
        workflow.Id = id;
        return workflow;
    }
}

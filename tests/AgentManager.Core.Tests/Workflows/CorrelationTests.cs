using AgentManager.Diagnostics;
using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Inbox;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using static AgentManager.Tests.Workflows.EngineFixture;
using static AgentManager.Tests.Workflows.LadderKit;

namespace AgentManager.Tests.Workflows;

/// <summary>The correlation id of the request that caused a change reaches the events of that change.</summary>
public sealed class CorrelationTests
{
    private readonly InMemoryStateStore _store = new();

    /// <summary>"a" fails until it is decided about (it is blocked for a human after one attempt); "c" does not depend on it.</summary>
    private static WorkflowDefinition Blocking(string id)
    {
        var agent = Agent((i, _) => ValueTask.FromResult(i.TaskId == "a" && i.Attempt == 1 ? AgentResult.Failure("tests fail") : AgentResult.Success("ok")));
        var a = Task("a");
        a.MaxAttempts = 1;
        var workflow = Workflow(agent, a, Task("b", "a"), Task("c"));
        workflow.Id = id;
        workflow.Repair = new RepairPolicy { BlockForHuman = true };
        return workflow;
    }

    private async Task<IReadOnlyList<EventLogEntry>> EventsAsync(string workflowId) =>
        await _store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter(workflowId) }, CancellationToken.None);

    [Fact]
    public async Task Events_WorkflowCreatedAndStartedInAScope_AllCarryTheScopesId()
    {
        await using var fixture = new EngineFixture(store: _store);
        var workflow = Workflow(NoOp, Task("a"), Task("b", "a"));
        workflow.Id = "scoped";

        using (CorrelationScope.Begin("req-1"))
        {
            await fixture.Engine.CreateAsync(workflow);
            await fixture.Engine.StartAsync("scoped");
        }

        await fixture.Engine.WaitForCompletionAsync("scoped");
        var events = await EventsAsync("scoped");
        Assert.Contains(events, e => e.Type == EventTypes.TaskCompleted && e.TaskId == "b");
        Assert.All(events, e => Assert.Equal("req-1", e.CorrelationId));
    }

    [Fact]
    public async Task Events_StartedFromAnotherScope_CarryTheStartsIdFromThen()
    {
        await using var fixture = new EngineFixture(store: _store);
        var workflow = Workflow(NoOp, Task("a"));
        workflow.Id = "two-requests";

        using (CorrelationScope.Begin("req-create"))
        {
            await fixture.Engine.CreateAsync(workflow);
        }

        using (CorrelationScope.Begin("req-start"))
        {
            await fixture.Engine.StartAsync("two-requests");
        }

        await fixture.Engine.WaitForCompletionAsync("two-requests");
        var events = await EventsAsync("two-requests");
        Assert.Equal("req-create", Assert.Single(events, e => e.Type == EventTypes.WorkflowCreated).CorrelationId);
        Assert.All(events.Where(e => e.Type != EventTypes.WorkflowCreated), e => Assert.Equal("req-start", e.CorrelationId));
    }

    [Fact]
    public async Task Events_NoScope_HaveNoCorrelationId()
    {
        await using var fixture = new EngineFixture(store: _store);
        var workflow = Workflow(NoOp, Task("a"));
        workflow.Id = "plain";

        await fixture.RunAsync(workflow);

        Assert.All(await EventsAsync("plain"), e => Assert.Null(e.CorrelationId));
    }

    [Fact]
    public async Task Events_NoScopeButCorrelationMetadata_CarryTheMetadataId()
    {
        await using var fixture = new EngineFixture(store: _store);
        var workflow = Workflow(NoOp, Task("a"));
        workflow.Id = "from-metadata";
        workflow.Metadata["correlation_id"] = "req-stored";

        await fixture.RunAsync(workflow);

        Assert.All(await EventsAsync("from-metadata"), e => Assert.Equal("req-stored", e.CorrelationId));
    }

    [Fact]
    public async Task Events_HumanDecisionInAnotherScope_TheWorkflowsLaterEventsCarryTheDecisionsId()
    {
        await using var fixture = new EngineFixture(store: _store);
        using (CorrelationScope.Begin("req-run"))
        {
            await fixture.Engine.CreateAsync(Blocking("decided"));
            await fixture.Engine.StartAsync("decided");
        }

        await WaitForTaskAsync(fixture.Engine, "decided", "a", TaskState.BlockedHitl);
        await WaitForTaskAsync(fixture.Engine, "decided", "c", TaskState.Completed);
        var before = (await EventsAsync("decided")).Max(e => e.Sequence);

        using (CorrelationScope.Begin("req-retry"))
        {
            await fixture.Inbox.DecideAsync(new HumanDecision { WorkflowId = "decided", TaskId = "a", Action = HumanAction.Retry, Actor = "alice", Reason = "flaky" });
        }

        await fixture.Engine.WaitForCompletionAsync("decided");
        var events = await EventsAsync("decided");
        Assert.All(events.Where(e => e.Sequence <= before), e => Assert.Equal("req-run", e.CorrelationId));
        var after = events.Where(e => e.Sequence > before).ToArray();
        Assert.Contains(after, e => e.Type == EventTypes.TaskCompleted && e.TaskId == "a");
        Assert.Contains(after, e => e.Type == EventTypes.WorkflowCompleted);
        Assert.All(after, e => Assert.Equal("req-retry", e.CorrelationId));
    }

    [Fact]
    public async Task Events_CancelInAnotherScope_CarryTheCancelsId()
    {
        await using var fixture = new EngineFixture(store: _store);
        var gate = new TaskCompletionSource();
        var workflow = Workflow(Agent(async (_, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            return AgentResult.Success();
        }), Task("a"), Task("b", "a"));
        workflow.Id = "cancelled";
        using (CorrelationScope.Begin("req-run"))
        {
            await fixture.Engine.CreateAsync(workflow);
            await fixture.Engine.StartAsync("cancelled");
        }

        await WaitForTaskAsync(fixture.Engine, "cancelled", "a", TaskState.Implementing);
        using (CorrelationScope.Begin("req-cancel"))
        {
            await fixture.Engine.CancelAsync("cancelled", "stop");
        }

        await fixture.Engine.WaitForCompletionAsync("cancelled");
        var events = await EventsAsync("cancelled");
        Assert.Equal("req-cancel", Assert.Single(events, e => e.Type == EventTypes.WorkflowCancelled).CorrelationId);
        Assert.Equal("req-cancel", Assert.Single(events, e => e.Type == EventTypes.TaskCancelled && e.TaskId == "b").CorrelationId);
        Assert.Equal("req-run", Assert.Single(events, e => e.Type == EventTypes.WorkflowStarted).CorrelationId);
    }

    [Fact]
    public async Task Engine_StartedByACallInAScope_LaterWorkflowsAndTheirAgentsSeeNoId()
    {
        await using var fixture = new EngineFixture(store: _store);
        var first = Workflow(NoOp, Task("a"));
        first.Id = "first";
        using (CorrelationScope.Begin("req-first"))
        {
            await fixture.Engine.CreateAsync(first);
        }

        string? seen = "unset";
        var later = Workflow(Agent((_, _) =>
        {
            seen = CorrelationScope.Current;
            return ValueTask.FromResult(AgentResult.Success());
        }), Task("a"));
        later.Id = "later";

        await fixture.RunAsync(later);

        Assert.Null(seen);
        Assert.All(await EventsAsync("later"), e => Assert.Null(e.CorrelationId));
    }

    [Fact]
    public void Begin_Nested_RestoresTheOuterIdOnDispose()
    {
        Assert.Null(CorrelationScope.Current);
        using (CorrelationScope.Begin("outer"))
        {
            using (CorrelationScope.Begin("inner"))
            {
                Assert.Equal("inner", CorrelationScope.Current);
            }

            Assert.Equal("outer", CorrelationScope.Current);
            using (CorrelationScope.Begin(" "))
            {
                Assert.Null(CorrelationScope.Current);
            }
        }

        Assert.Null(CorrelationScope.Current);
    }
}

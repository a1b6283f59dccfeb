using System.Collections.Concurrent;
using AgentManager.Execution;
using AgentManager.Inbox;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using static AgentManager.Tests.Workflows.EngineFixture;
using static AgentManager.Tests.Workflows.LadderKit;

namespace AgentManager.Tests.Workflows;

/// <summary>Usage reported by agents, summed per task and workflow, and the budgets that stop further attempts.</summary>
public sealed class BudgetTests
{
    private readonly ConcurrentQueue<AgentInvocation> _calls = new();

    private IAgentRunner Spending(long tokens, decimal cost, Func<AgentInvocation, bool> fails) =>
        Recording(_calls, i => (fails(i) ? AgentResult.Failure("not yet") : AgentResult.Success())
            .WithUsage(new AgentUsage { InputTokens = tokens, OutputTokens = tokens / 2, Cost = cost }));

    [Fact]
    public async Task Run_UsageOfEveryAttempt_IsSummedPerTaskAndWorkflowAndStored()
    {
        var store = new InMemoryStateStore();
        var a = Task("a");
        a.MaxAttempts = 3;
        var workflow = Workflow(Spending(100, 0.25m, i => i.TaskId == "a" && i.Attempt < 3), a, Task("b"));
        await using var fixture = new EngineFixture(store: store);

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(new AgentUsage { InputTokens = 300, OutputTokens = 150, Cost = 0.75m }, summary.Tasks[0].Usage);
        Assert.Equal(new AgentUsage { InputTokens = 400, OutputTokens = 200, Cost = 1.00m }, summary.Usage);
        Assert.Equal(summary.Usage, (await store.GetWorkflowAsync(summary.WorkflowId, CancellationToken.None))!.Usage);
        Assert.Equal(450, (await store.GetTaskAsync(summary.WorkflowId, "a", CancellationToken.None))!.Usage.TotalTokens);
    }

    [Fact]
    public async Task Run_TaskTokenBudgetSpent_StopsFurtherAttempts_AndFailsNamingTheBudget()
    {
        var a = Task("a");
        a.MaxAttempts = 10;
        a.Budget = new UsageBudget { MaxTokens = 400 };
        var workflow = Workflow(Spending(100, 0, _ => true), a, Task("after", "a"));
        await using var fixture = new EngineFixture();

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        Assert.Equal(3, summary.Tasks[0].Attempts);
        Assert.Equal("Stopped: the task's budget is spent (450 of 400 tokens used); no further attempt starts after 3 attempt(s): not yet", summary.Tasks[0].LastError);
        Assert.Equal(TaskState.Cancelled, summary.Tasks[1].State);
        var giveUp = (await fixture.Engine.GetTransitionsAsync(summary.WorkflowId, "a"))[^1];
        Assert.Equal((TaskState.BlockedRepair, TaskTrigger.GiveUp), (giveUp.From, giveUp.Trigger));
    }

    [Fact]
    public async Task Run_TaskCostBudgetSpent_WithL4_BlocksForAHuman_WhoseRetryIsGrantedOverTheBudget()
    {
        var a = Task("a");
        a.MaxAttempts = 10;
        a.Budget = new UsageBudget { MaxCost = 1.0m };
        a.Repair = new RepairPolicy { BlockForHuman = true };
        var workflow = Workflow(Spending(0, 0.5m, i => i.Attempt < 3), a);
        workflow.Id = "costly";
        await using var fixture = new EngineFixture();
        var id = await fixture.Engine.CreateAsync(workflow);
        await fixture.Engine.StartAsync(id);

        var blocked = await WaitForTaskAsync(fixture.Engine, id, "a", TaskState.BlockedHitl);

        Assert.Equal(2, blocked.Attempts);
        Assert.Equal("L4 human: the task's budget is spent (cost 1.0 of 1.0 spent); no further attempt starts after 2 attempt(s): not yet", (await fixture.Engine.GetTransitionsAsync(id, "a"))[^1].Reason);
        await fixture.Inbox.DecideAsync(new HumanDecision { WorkflowId = id, TaskId = "a", Action = HumanAction.Retry, Actor = "alice", Reason = "one more, I pay" });
        var summary = await fixture.Engine.WaitForCompletionAsync(id).WaitAsync(Patience);
        Assert.Equal((WorkflowStatus.Completed, 3, 1.5m), (summary.Status, summary.Tasks[0].Attempts, summary.Usage.Cost));
    }

    [Fact]
    public async Task Run_WorkflowBudgetSpent_NoTaskStartsAnotherAttempt_AndTheWorkflowFails()
    {
        var first = Task("first");
        var second = Task("second", "first");
        var independent = Task("independent", "first");
        var workflow = Workflow(Spending(1000, 0, _ => false), first, second, independent, Task("last", "second"));
        workflow.Budget = new UsageBudget { MaxTokens = 1500 };
        await using var fixture = new EngineFixture();

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        Assert.Equal(["first"], _calls.Select(c => c.TaskId));
        var byId = summary.Tasks.ToDictionary(t => t.TaskId);
        Assert.Equal((TaskState.Failed, 0), (byId["second"].State, byId["second"].Attempts));
        Assert.Equal("Stopped: the workflow's budget is spent (1500 of 1500 tokens used); no further attempt starts.", byId["second"].LastError);
        Assert.Equal(TaskState.Failed, byId["independent"].State);
        Assert.Equal(TaskState.Cancelled, byId["last"].State);
        var stop = (await fixture.Engine.GetTransitionsAsync(summary.WorkflowId, "second"))[^1];
        Assert.Equal((TaskState.Ready, TaskState.Failed, TaskTrigger.GiveUp), (stop.From, stop.To, stop.Trigger));
    }

    [Fact]
    public async Task Run_AgentsReportingNoUsage_AreNeverStopped()
    {
        var workflow = Workflow(NoOp, Task("a"), Task("b", "a"));
        workflow.Budget = new UsageBudget { MaxTokens = 1, MaxCost = 0.01m };

        await using var fixture = new EngineFixture();
        var summary = await fixture.RunAsync(workflow);

        Assert.Equal((WorkflowStatus.Completed, AgentUsage.Zero), (summary.Status, summary.Usage));
    }

    [Fact]
    public async Task Create_InvalidBudgets_AreRefusedNamingTheirOwner()
    {
        var a = Task("a");
        a.Budget = new UsageBudget { MaxTokens = 0 };
        var workflow = Workflow(NoOp, a);
        workflow.Budget = new UsageBudget { MaxCost = -1m };
        await using var fixture = new EngineFixture();

        var ex = await Assert.ThrowsAsync<WorkflowValidationException>(() => fixture.Engine.CreateAsync(workflow));

        Assert.Equal(
            ["Task 'a' Budget.MaxTokens is 0; it must be at least 1 when set.", "WorkflowDefinition.Budget.MaxCost is -1; it must be positive when set."],
            ex.Errors);
    }

    [Fact]
    public async Task Resume_KeepsTheUsageSoFar_AgainstTheBudget()
    {
        var store = new InMemoryStateStore();
        WorkflowDefinition Definition(IAgentRunner agent)
        {
            var a = Task("a");
            a.MaxAttempts = 5;
            a.Budget = new UsageBudget { MaxTokens = 200 };
            var workflow = Workflow(agent, a);
            workflow.Id = "budgeted";
            return workflow;
        }

        var firstAttempt = Agent((_, _) => ValueTask.FromResult(AgentResult.Failure("not yet").WithUsage(new AgentUsage { InputTokens = 100 })));
        await using (var crashed = new EngineFixture(o => o.Retry.InitialDelay = TimeSpan.FromMinutes(5), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(), store: store))
        {
            await crashed.Engine.CreateAsync(Definition(firstAttempt));
            await crashed.Engine.StartAsync("budgeted");
            await WaitForTaskAsync(crashed.Engine, "budgeted", "a", TaskState.BlockedRepair);
        }

        await using var resumed = new EngineFixture(store: store);
        await resumed.Engine.ResumeAsync(Definition(Spending(100, 0, _ => true)));
        var summary = await resumed.Engine.WaitForCompletionAsync("budgeted").WaitAsync(Patience);

        Assert.Equal((WorkflowStatus.Failed, 2), (summary.Status, summary.Tasks[0].Attempts));
        Assert.Single(_calls);
        Assert.Contains("the task's budget is spent (250 of 200 tokens used)", summary.Tasks[0].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_NegativeValues_AreRefused_AndAddingSums()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AgentUsage { InputTokens = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new AgentUsage { OutputTokens = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new AgentUsage { Cost = -0.01m });
        var sum = new AgentUsage { InputTokens = 1, OutputTokens = 2, Cost = 0.5m }.Add(new AgentUsage { InputTokens = 10, Cost = 0.25m });
        Assert.Equal((11, 2, 13, 0.75m), (sum.InputTokens, sum.OutputTokens, sum.TotalTokens, sum.Cost));
        Assert.Same(AgentUsage.Zero, AgentUsage.Zero.Add(null));
        Assert.Throws<ArgumentNullException>(() => AgentResult.Success().WithUsage(null!));
        var failure = AgentResult.Failure("boom", "out", 3).WithUsage(sum);
        Assert.Equal((false, "boom", "out", 3, sum), (failure.Succeeded, failure.Error, failure.Output, failure.ExitCode, failure.Usage));
    }
}

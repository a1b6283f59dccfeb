using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Memory;
using Microsoft.Extensions.DependencyInjection;
using static AgentManager.Tests.Workflows.EngineFixture;

namespace AgentManager.Tests.Workflows;

public sealed class OutcomeMemoryTests
{
    [Fact]
    public async Task Run_WithAgentMemory_RecordsEveryOutcomeIncludingTheRepairThatWorked()
    {
        var agent = Agent((inv, _) => ValueTask.FromResult(
            inv.TaskId == "flaky" && inv.Attempt == 1 ? AgentResult.Failure("database migration locked") : AgentResult.Success("ok")));
        IServiceProvider? services = null;
        await using var fixture = new EngineFixture(agents: b => b.AddAgentMemory(), capture: sp => services = sp);
        var flaky = Task("flaky");
        flaky.Prompt = "apply the database migration";
        var workflow = Workflow(agent, Task("steady"), flaky);
        workflow.Id = "remembered";

        await fixture.RunAsync(workflow);

        var history = services!.GetRequiredService<ITaskHistory>();
        IReadOnlyList<TaskOutcome> outcomes = [];
        for (var i = 0; i < 3000 && outcomes.Count < 2; i++)
        {
            await System.Threading.Tasks.Task.Delay(10);
            outcomes = await history.QueryAsync(new TaskHistoryQuery { WorkflowId = "remembered" }, CancellationToken.None);
        }

        var repaired = Assert.Single(outcomes, o => o.TaskId == "flaky");
        Assert.Equal((TaskState.Completed, 2, true), (repaired.Status, repaired.Attempts, repaired.Repaired));
        var recalled = await services!.GetRequiredService<SemanticMemory>().RecallAsync("database migration", 1, null, CancellationToken.None);
        Assert.Contains("flaky", Assert.Single(recalled).Record.Text, StringComparison.Ordinal);
    }

    /// <summary>A stop waits for the outcomes of the tasks that finished before it to reach agent memory, however
    /// slow the memory is, instead of dropping what was still queued.</summary>
    [Fact]
    public async Task Stop_WithOutcomesStillQueued_WritesThemBeforeItReturns()
    {
        var history = new GatedHistory();
        var fixture = new EngineFixture(agents: b =>
        {
            b.Services.AddSingleton<ITaskHistory>(history);
            b.AddAgentMemory();
        });
        var workflow = Workflow(NoOp, Task("a"), Task("b"), Task("c"));
        workflow.Id = "queued";
        await fixture.RunAsync(workflow);
        await history.FirstEntered.Task.WaitAsync(LadderKit.Patience);

        var stop = fixture.DisposeAsync().AsTask();
        await System.Threading.Tasks.Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        Assert.False(stop.IsCompleted, "the stop returned while outcomes were still queued");
        history.Gate.SetResult();
        await stop.WaitAsync(LadderKit.Patience);

        Assert.Equal(["a", "b", "c"], history.Recorded.Select(o => o.TaskId).Order());
    }

    private sealed class GatedHistory : ITaskHistory
    {
        public TaskCompletionSource FirstEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<TaskOutcome> Recorded { get; } = [];

        public async System.Threading.Tasks.Task RecordAsync(TaskOutcome outcome, CancellationToken cancellationToken)
        {
            FirstEntered.TrySetResult();
            await Gate.Task.WaitAsync(cancellationToken);
            lock (Recorded)
            {
                Recorded.Add(outcome);
            }
        }

        public Task<IReadOnlyList<TaskOutcome>> QueryAsync(TaskHistoryQuery query, CancellationToken cancellationToken) =>
            System.Threading.Tasks.Task.FromResult<IReadOnlyList<TaskOutcome>>([.. Recorded]);

        public Task<IReadOnlyList<TaskOutcome>> DeleteWorkflowAsync(string workflowId, CancellationToken cancellationToken) =>
            System.Threading.Tasks.Task.FromResult<IReadOnlyList<TaskOutcome>>([]);
    }
}

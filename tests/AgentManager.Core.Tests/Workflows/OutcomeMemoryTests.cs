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
}

using System.Collections.Concurrent;
using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using static AgentManager.Tests.Workflows.EngineFixture;

namespace AgentManager.Tests.Workflows;

/// <summary>An engine stopped mid-run, and a second engine on the same store that resumes the workflow.</summary>
public sealed class ResumeTests
{
    private static WorkflowDefinition Definition(IAgentRunner agent, int? maxAttempts = null)
    {
        var interrupted = Task("b", "a");
        interrupted.MaxAttempts = maxAttempts;
        var workflow = Workflow(agent, Task("a"), interrupted, Task("c", "b"));
        workflow.Id = "resumable";
        return workflow;
    }

    /// <summary>Runs until task b is implementing, then stops the engine as a crash would.</summary>
    private static async Task<InMemoryStateStore> CrashWhileBRunsAsync(int? maxAttempts = null)
    {
        var store = new InMemoryStateStore();
        var bStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agent = Agent(async (inv, ct) =>
        {
            if (inv.TaskId == "b")
            {
                bStarted.TrySetResult();
                await System.Threading.Tasks.Task.Delay(Timeout.Infinite, ct);
            }

            return AgentResult.Success();
        });
        await using (var first = new EngineFixture(store: store))
        {
            var id = await first.Engine.CreateAsync(Definition(agent, maxAttempts));
            await first.Engine.StartAsync(id);
            await bStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        return store;
    }

    [Fact]
    public async Task ResumeAsync_AfterACrash_ReclaimsTheInterruptedAttemptAndNeverRerunsCompletedTasks()
    {
        var store = await CrashWhileBRunsAsync();
        Assert.Equal(TaskState.Implementing, (await store.GetTaskAsync("resumable", "b", CancellationToken.None))!.State);
        var runs = new ConcurrentQueue<(string, int)>();
        var agent = Agent((inv, _) =>
        {
            runs.Enqueue((inv.TaskId, inv.Attempt));
            return ValueTask.FromResult(AgentResult.Success());
        });
        await using var second = new EngineFixture(store: store);

        await second.Engine.ResumeAsync(Definition(agent));
        var summary = await second.Engine.WaitForCompletionAsync("resumable").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal([("b", 2), ("c", 1)], runs.ToArray());
        var b = await second.Engine.GetTransitionsAsync("resumable", "b");
        Assert.Contains(b, t => t.Trigger == TaskTrigger.LeaseExpired && t.From == TaskState.Implementing && t.Reason!.Contains("interrupted", StringComparison.Ordinal));
        var completions = await second.Engine.GetTransitionsAsync("resumable");
        Assert.Equal(3, completions.Count(t => t.To == TaskState.Completed));
    }

    [Fact]
    public async Task ResumeAsync_InterruptedLastAttempt_FailsTheTaskAndCancelsDependents()
    {
        var store = await CrashWhileBRunsAsync(maxAttempts: 1);
        await using var second = new EngineFixture(store: store);

        await second.Engine.ResumeAsync(Definition(NoOp, maxAttempts: 1));
        var summary = await second.Engine.WaitForCompletionAsync("resumable").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(WorkflowStatus.Failed, summary.Status);
        var byId = summary.Tasks.ToDictionary(t => t.TaskId);
        Assert.Equal((TaskState.Completed, TaskState.Failed, TaskState.Cancelled), (byId["a"].State, byId["b"].State, byId["c"].State));
        Assert.Contains("was interrupted: the previous engine released the workflow's lease", byId["b"].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResumeAsync_FinishedUnknownOrChangedWorkflow_IsRefused()
    {
        var store = new InMemoryStateStore();
        await using var fixture = new EngineFixture(store: store);
        await fixture.RunAsync(Definition(NoOp));
        var changed = Definition(NoOp);
        changed.Id = "other";

        await Assert.ThrowsAsync<WorkflowStateException>(() => fixture.Engine.ResumeAsync(Definition(NoOp)));
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => fixture.Engine.ResumeAsync(changed));
        await Assert.ThrowsAsync<WorkflowValidationException>(() => fixture.Engine.ResumeAsync(Workflow(NoOp, Task("a"))));
    }

    [Fact]
    public async Task ResumeAsync_DifferentTasks_IsRefusedNamingTheWorkflow()
    {
        var store = await CrashWhileBRunsAsync();
        await using var second = new EngineFixture(store: store);
        var different = Workflow(NoOp, Task("a"), Task("z", "a"));
        different.Id = "resumable";

        var ex = await Assert.ThrowsAsync<WorkflowValidationException>(() => second.Engine.ResumeAsync(different));

        Assert.Contains("differ from the stored tasks of workflow 'resumable'", ex.Message, StringComparison.Ordinal);
    }
}

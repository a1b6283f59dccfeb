using System.Runtime.CompilerServices;
using AgentManager.Execution;
using AgentManager.Workflows;
using static AgentManager.Tests.Workflows.EngineFixture;

namespace AgentManager.Tests.Workflows;

/// <summary>The engine copies what it needs from a definition when it compiles it and keeps none of it: a caller that
/// lets go of a large definition gets its memory back while the workflow is still being created or run, also through
/// <see cref="WorkflowEngineExtensions.RunAsync"/>.</summary>
public sealed class DefinitionLifetimeTests
{
    [Fact]
    public async Task RunAsync_WhileTheWorkflowRuns_ItsDefinitionCanBeCollected()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agent = Agent(async (_, cancellationToken) =>
        {
            started.TrySetResult();
            await release.Task.WaitAsync(cancellationToken);
            return AgentResult.Success();
        });
        await using var fixture = new EngineFixture();

        var (running, definition) = StartRun(fixture.Engine, agent);
        await started.Task.WaitAsync(TimeSpan.FromMinutes(1));
        var collected = Collected(definition);
        release.SetResult();

        Assert.True(collected, "the engine still holds the definition of a running workflow");
        Assert.Equal(WorkflowStatus.Completed, (await running).Status);
    }

    [Fact]
    public async Task CreateAsync_RefusedDefinition_StillFailsTheReturnedTask()
    {
        await using var fixture = new EngineFixture();

        var created = fixture.Engine.CreateAsync(Workflow(NoOp, Task("a", "ghost")));
        var run = fixture.Engine.RunAsync(null!);

        await Assert.ThrowsAsync<WorkflowValidationException>(() => created);
        await Assert.ThrowsAsync<ArgumentNullException>(() => run);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (Task<WorkflowSummary> Running, WeakReference Definition) StartRun(IWorkflowEngine engine, IAgentRunner agent)
    {
        var definition = Workflow(agent, Task("a"), Task("b", "a"));
        return (engine.RunAsync(definition), new WeakReference(definition));
    }

    private static bool Collected(WeakReference reference)
    {
        for (var i = 0; i < 3 && reference.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return !reference.IsAlive;
    }
}

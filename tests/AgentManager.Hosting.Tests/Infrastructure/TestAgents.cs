using System.Collections.Concurrent;
using AgentManager.Execution;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Tests.Infrastructure;

/// <summary>Agents for API tests: <c>echo</c> succeeds at once with the prompt as output, <c>failing</c> fails,
/// and <c>gated</c> waits until the test opens the gate of its task (see <see cref="Gates"/>). The catalog's
/// built-in agents (<c>worker</c>, <c>manager</c>, <c>supervisor</c>) echo too, so confirmed plans run.</summary>
internal static class TestAgents
{
    public static void Register(IAgentManagerBuilder builder, bool gatedWorker = false)
    {
        var echo = new DelegateAgentRunner((invocation, _) => ValueTask.FromResult(AgentResult.Success($"echo: {invocation.Prompt}")));
        Func<IServiceProvider, IAgentRunner> gated = sp => new DelegateAgentRunner(async (invocation, cancellationToken) =>
        {
            await sp.GetRequiredService<Gates>().WaitAsync(invocation.WorkflowId, invocation.TaskId, cancellationToken);
            return AgentResult.Success($"gated: {invocation.TaskId} passed its gate");
        });
        builder.AddAgent("echo", echo)
            .AddAgent("manager", echo)
            .AddAgent("supervisor", echo)
            .AddAgent("failing", new DelegateAgentRunner((invocation, _) => ValueTask.FromResult(AgentResult.Failure($"task '{invocation.TaskId}' failed on purpose", "partial output"))))
            .AddAgent("gated", gated);
        if (gatedWorker)
        {
            builder.AddAgent("worker", gated);
        }
        else
        {
            builder.AddAgent("worker", echo);
        }

        builder.Services.AddSingleton<Gates>();
    }
}

/// <summary>One gate per task that <c>gated</c> agents wait at until the test opens it.</summary>
internal sealed class Gates
{
    private readonly ConcurrentDictionary<(string, string), TaskCompletionSource> _gates = new();

    public Task WaitAsync(string workflowId, string taskId, CancellationToken cancellationToken) =>
        Gate(workflowId, taskId).Task.WaitAsync(cancellationToken);

    public void Open(string workflowId, string taskId) => Gate(workflowId, taskId).TrySetResult();

    private TaskCompletionSource Gate(string workflowId, string taskId) =>
        _gates.GetOrAdd((workflowId, taskId), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

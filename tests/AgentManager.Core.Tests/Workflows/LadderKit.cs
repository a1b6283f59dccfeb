using System.Collections.Concurrent;
using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Workflows;

namespace AgentManager.Tests.Workflows;

/// <summary>Agents that record their invocations, and waits on task states, for the repair ladder tests.</summary>
internal static class LadderKit
{
    /// <summary>A safety net against hangs only; no assertion depends on timing.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>An agent that records every invocation and answers with <paramref name="answer"/>.</summary>
    public static IAgentRunner Recording(ConcurrentQueue<AgentInvocation> calls, Func<AgentInvocation, AgentResult> answer) =>
        EngineFixture.Agent((invocation, _) =>
        {
            calls.Enqueue(invocation);
            return ValueTask.FromResult(answer(invocation));
        });

    public static IAgentRunner Failing(ConcurrentQueue<AgentInvocation> calls, string error = "compile error") =>
        Recording(calls, _ => AgentResult.Failure(error, "partial output"));

    public static IAgentRunner Succeeding(ConcurrentQueue<AgentInvocation> calls) => Recording(calls, _ => AgentResult.Success("fixed"));

    /// <summary>Waits until a task of the workflow reaches <paramref name="state"/>.</summary>
    public static async Task<TaskSummary> WaitForTaskAsync(IWorkflowEngine engine, string workflowId, string taskId, TaskState state)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            var task = (await engine.GetSummaryAsync(workflowId, patience.Token)).Tasks.Single(t => t.TaskId == taskId);
            if (task.State == state)
            {
                return task;
            }

            await Task.Delay(10, patience.Token);
        }
    }

    /// <summary>Records the events of one workflow, in order, into <paramref name="events"/>.</summary>
    public static IAsyncDisposable Record(IEventBus bus, string workflowId, ConcurrentQueue<AgentManagerEvent> events) =>
        bus.Subscribe(new EventFilter(workflowId), (e, _) =>
        {
            events.Enqueue(e);
            return ValueTask.CompletedTask;
        });

    /// <summary>Waits for something the engine does on its own threads.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (!condition())
        {
            try
            {
                await Task.Delay(10, patience.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Gave up waiting for {what}.");
            }
        }
    }
}

using AgentManager.Execution;
using AgentManager.Workflows;
using AgentManager.Benchmarks.Throughput;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Benchmarks.Micro;

/// <summary>The whole engine, per task end to end: one workflow of 1,000 independent tasks with a no-op delegate
/// agent, created, started and awaited on a started engine (in-memory store, no subscriber). The memory
/// diagnoser's "Allocated" is then what a task costs with its one attempt, every thread included: its definition,
/// records, runtime state and summary as well as the attempt. <see cref="EngineRetryBenchmarks"/> measures one more
/// attempt alone (issue 6 target: under 1 KB).</summary>
[MemoryDiagnoser]
public class EngineAttemptBenchmarks
{
    private const int Tasks = 1000;
    private static readonly AgentResult Done = AgentResult.Success();
    private ServiceProvider? _services;
    private IWorkflowEngine? _engine;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAgentManager().AddAgent("noop", new DelegateAgentRunner((_, _) => ValueTask.FromResult(Done)));
        _services = services.BuildServiceProvider();
        _engine = _services.GetRequiredService<IWorkflowEngine>();
    }

    [Benchmark(OperationsPerInvoke = Tasks)]
    public async Task<WorkflowStatus> RunIndependentTasks()
    {
        var workflow = new WorkflowDefinition { DefaultAgentId = "noop" };
        for (var i = 0; i < Tasks; i++)
        {
            workflow.Tasks.Add(new TaskDefinition(TaskIds[i]));
        }

        var id = await _engine!.CreateAsync(workflow);
        await _engine.StartAsync(id);
        return (await _engine.WaitForCompletionAsync(id)).Status;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    private static readonly string[] TaskIds = Workload.TaskIds(Tasks);
}

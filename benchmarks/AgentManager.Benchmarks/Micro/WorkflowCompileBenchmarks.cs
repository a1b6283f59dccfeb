using AgentManager.Agents;
using AgentManager.Benchmarks.Throughput;
using AgentManager.Execution;
using AgentManager.Workflows;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Benchmarks.Micro;

/// <summary>The compile step of <c>CreateAsync</c> alone (ids, dependencies, agents and settings checked, the run's
/// tasks made, the graph loaded) for a 100,000-task definition of the throughput runner's shapes, made once.</summary>
[MemoryDiagnoser]
public class WorkflowCompileBenchmarks
{
    private readonly WorkflowCompiler _compiler = new(
        new AgentManagerOptions(), new AgentRegistry([], new ServiceCollection().BuildServiceProvider()), TimeProvider.System);

    private WorkflowDefinition _definition = new();

    [Params("independent", "layers")]
    public string Shape { get; set; } = "independent";

    [GlobalSetup]
    public void Setup()
    {
        var workload = Workload.Create(WorkloadKinds.Parse(Shape), 100_000);
        _definition = new WorkflowDefinition { Id = "compile-bench", DefaultAgentId = "noop" };
        _definition.Agents["noop"] = new DelegateAgentRunner((_, _) => ValueTask.FromResult(AgentResult.Success()));
        workload.AddTasksTo(_definition);
    }

    [Benchmark]
    public object Compile() => _compiler.Compile(_definition);
}

using AgentManager.Execution;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Benchmarks.Throughput;

/// <summary>The real AgentManager engine, registered with <c>AddAgentManager()</c> (in-memory store),
/// running one workflow whose tasks all use a no-op delegate agent.</summary>
internal sealed class AgentManagerEngine(int concurrency) : IThroughputEngine
{
    private const string AgentId = "noop";
    private static readonly AgentResult Done = AgentResult.Success();

    private ServiceProvider? _services;
    private IWorkflowEngine? _engine;
    private volatile HopRecorder? _hops;

    public string Name => "agentmanager";

    public string? Unsupported(Workload workload) => null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAgentManager(o => o.MaxConcurrency = concurrency)
            .AddAgent(AgentId, new DelegateAgentRunner(RunTask));
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _engine = _services.GetRequiredService<IWorkflowEngine>();
        return Task.CompletedTask;
    }

    public async Task RunAsync(Workload workload, HopRecorder? hops, CancellationToken cancellationToken)
    {
        var engine = _engine ?? throw new InvalidOperationException("Call StartAsync first.");
        _hops = hops;
        var workflow = new WorkflowDefinition { DefaultAgentId = AgentId };
        for (var i = 0; i < workload.Count; i++)
        {
            var task = new TaskDefinition(Workload.TaskId(i));
            foreach (var parent in workload.ParentsOf(i))
            {
                task.Dependencies.Add(Workload.TaskId(parent));
            }

            workflow.Tasks.Add(task);
        }

        var summary = await engine.RunAsync(workflow, cancellationToken);
        if (summary.Status != WorkflowStatus.Completed || summary.Completed != workload.Count)
        {
            throw new InvalidOperationException($"The workflow ended {summary.Status} with {summary.Completed} of {workload.Count} tasks completed: {summary.Reason}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    private ValueTask<AgentResult> RunTask(AgentInvocation invocation, CancellationToken cancellationToken)
    {
        var hops = _hops;
        if (hops is not null)
        {
            TaskBody.Run(Workload.IndexOf(invocation.TaskId), hops);
        }

        return ValueTask.FromResult(Done);
    }
}

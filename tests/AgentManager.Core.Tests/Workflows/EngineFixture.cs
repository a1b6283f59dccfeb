using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Tests.Workflows;

/// <summary>An engine built the way a host builds it, through <c>AddAgentManager()</c>.</summary>
internal sealed class EngineFixture : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public EngineFixture(Action<AgentManagerOptions>? configure = null, TimeProvider? time = null, Action<IAgentManagerBuilder>? agents = null, AgentManager.Persistence.IStateStore? store = null, Action<IServiceProvider>? capture = null)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        var builder = services.AddAgentManager(o =>
        {
            o.Retry.InitialDelay = TimeSpan.Zero;
            o.Retry.JitterRatio = 0;
            o.WorkRoot = Path.Combine(Path.GetTempPath(), "agentmanager-tests", Guid.NewGuid().ToString("N"));
            configure?.Invoke(o);
        });
        agents?.Invoke(builder);
        if (store is not null)
        {
            services.AddSingleton(store);
        }

        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Engine = _provider.GetRequiredService<IWorkflowEngine>();
        Bus = _provider.GetRequiredService<IEventBus>();
        capture?.Invoke(_provider);
    }

    public IWorkflowEngine Engine { get; }

    public IEventBus Bus { get; }

    public AgentManager.Inbox.IHumanInbox Inbox => _provider.GetRequiredService<AgentManager.Inbox.IHumanInbox>();

    public static IAgentRunner Agent(Func<AgentInvocation, CancellationToken, ValueTask<AgentResult>> run) => new DelegateAgentRunner(run);

    public static IAgentRunner NoOp { get; } = new DelegateAgentRunner((_, _) => ValueTask.FromResult(AgentResult.Success()));

    public static WorkflowDefinition Workflow(IAgentRunner agent, params TaskDefinition[] tasks)
    {
        var workflow = new WorkflowDefinition { DefaultAgentId = "agent" };
        workflow.Agents["agent"] = agent;
        foreach (var task in tasks)
        {
            workflow.Tasks.Add(task);
        }

        return workflow;
    }

    public static TaskDefinition Task(string id, params string[] dependencies)
    {
        var task = new TaskDefinition(id) { Prompt = "do " + id };
        foreach (var dependency in dependencies)
        {
            task.Dependencies.Add(dependency);
        }

        return task;
    }

    public async Task<WorkflowSummary> RunAsync(WorkflowDefinition workflow)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await Engine.RunAsync(workflow, timeout.Token);
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}

using System.Diagnostics.Metrics;
using AgentManager.Diagnostics;
using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentManager.Tests.DependencyInjection;

public sealed class AgentManagerServiceCollectionExtensionsTests
{
    [Fact]
    public void AddAgentManager_CalledTwice_RegistersEachServiceOnce()
    {
        var once = new ServiceCollection();
        once.AddAgentManager();
        var twice = new ServiceCollection();
        twice.AddAgentManager();
        twice.AddAgentManager(o => o.MaxConcurrency = 3);

        Assert.Equal(once.Count + 1, twice.Count); // the second call only adds its Configure
        Assert.Single(twice, d => d.ServiceType == typeof(IWorkflowEngine));
        Assert.Equal(2, twice.Count(d => d.ServiceType == typeof(IHostedService))); // the engine and retention
        Assert.Single(twice, d => d.ImplementationType == typeof(RetentionService));
    }

    [Fact]
    public void AddAgentManager_EveryServiceResolvesWithScopeValidation()
    {
        var services = new ServiceCollection();
        services.AddAgentManager();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.NotNull(provider.GetRequiredService<IWorkflowEngine>());
        Assert.NotNull(provider.GetRequiredService<IEventBus>());
        Assert.NotNull(provider.GetRequiredService<IStateStore>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddAgentManager_ArgValidation()
    {
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddAgentManager());
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddAgentManager(null!));
        var builder = new ServiceCollection().AddAgentManager();
        Assert.Throws<ArgumentNullException>(() => builder.AddAgent("a", (IAgentRunner)null!));
        Assert.Throws<ArgumentException>(() => builder.AddAgent("bad id", EngineFixtureAgents.NoOp));
    }

    [Fact]
    public void AddAgent_SameIdTwice_IsRefused()
    {
        var builder = new ServiceCollection().AddAgentManager().AddAgent("worker", EngineFixtureAgents.NoOp);

        var ex = Assert.Throws<ArgumentException>(() => builder.AddAgent("worker", EngineFixtureAgents.NoOp));

        Assert.Contains("'worker' is already registered", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults_AreTheDocumentedValues()
    {
        var options = new AgentManagerOptions();

        Assert.Equal(8, options.MaxConcurrency);
        Assert.Equal(TimeSpan.FromMinutes(30), options.DefaultTaskTimeout);
        Assert.Equal(TimeSpan.FromMinutes(10), options.VerificationTimeout);
        Assert.Equal(1, options.DefaultResourceCapacity);
        Assert.Equal(1024, options.EventSubscriberCapacity);
        Assert.Equal("agentmanager-runs", options.WorkRoot);
        Assert.Equal(4096, options.OutputTailChars);
        Assert.Equal(16000, options.MaxPromptChars);
        Assert.Empty(options.ResourceCapacities);
    }

    [Fact]
    public async Task HostStart_InvalidOptions_FailsListingEveryProblem()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAgentManager(o =>
        {
            o.MaxConcurrency = 0;
            o.ResourceCapacities["model:x"] = 0;
            o.Retry.MaxAttempts = 0;
            o.MaxPromptChars = 199;
        });
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.Contains("MaxConcurrency is 0", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ResourceCapacities['model:x'] is 0", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Retry.MaxAttempts is 0", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("MaxPromptChars is 199; it must be at least 200.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GenericHost_RunsAWorkflowWithRegisteredAgents_AndEmitsMetrics()
    {
        var measurements = new List<(string Name, long Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == AgentManagerDiagnostics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, value));
            }
        });
        listener.Start();

        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAgentManager(o => o.WorkRoot = Path.GetTempPath())
            .AddAgent("registered", EngineFixtureAgents.NoOp);
        using var host = builder.Build();
        await host.StartAsync();
        var engine = host.Services.GetRequiredService<IWorkflowEngine>();
        var workflow = new WorkflowDefinition { Id = "metrics-wf", DefaultAgentId = "registered" };
        workflow.Tasks.Add(new TaskDefinition("one"));
        workflow.Tasks.Add(new TaskDefinition("two") { Dependencies = { "one" } });

        var summary = await engine.RunAsync(workflow).WaitAsync(TimeSpan.FromSeconds(30));
        await host.StopAsync();

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        lock (measurements)
        {
            Assert.True(measurements.Count(m => m.Name == AgentManagerDiagnostics.TasksStarted) >= 2);
            Assert.True(measurements.Count(m => m.Name == AgentManagerDiagnostics.TasksCompleted) >= 2);
        }
    }

    [Fact]
    public async Task StoppedHost_EngineRefusesNewWork()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAgentManager();
        using var host = builder.Build();
        await host.StartAsync();
        await host.StopAsync();
        var engine = host.Services.GetRequiredService<IWorkflowEngine>();
        var workflow = new WorkflowDefinition { DefaultAgentId = "a" };
        workflow.Agents["a"] = EngineFixtureAgents.NoOp;
        workflow.Tasks.Add(new TaskDefinition("t"));

        await Assert.ThrowsAsync<ObjectDisposedException>(() => engine.CreateAsync(workflow));
    }

    private static class EngineFixtureAgents
    {
        public static IAgentRunner NoOp { get; } = new DelegateAgentRunner((_, _) => ValueTask.FromResult(AgentResult.Success()));
    }
}

using AgentManager.Agents;
using AgentManager.Execution;
using AgentManager.Hooks;
using AgentManager.Plans;
using AgentManager.Tests.Agents;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentManager.Tests.DependencyInjection;

public sealed class ConfigurationDirectoryAgentManagerBuilderExtensionsTests : IDisposable
{
    private readonly TempDirectory config = new();

    public void Dispose() => config.Dispose();

    private static string Md(string json, string body = "") => $"---\n{json}\n---\n{body}";

    private static ServiceProvider Build(Action<IAgentManagerBuilder> configure, Action<IServiceCollection>? before = null)
    {
        var services = new ServiceCollection();
        before?.Invoke(services);
        configure(services.AddAgentManager());
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private void WriteReviewer() =>
        config.Write("reviewer.md", Md(
            """
            { "agent_id": "reviewer", "name": "Reviewer", "layer": "high",
              "skills": ["house-style"], "mcp_servers": ["docs"] }
            """,
            "You review changes."));

    private void WriteTemplates()
    {
        config.Write("templates/skills/house-style.md", Md("""{ "name": "house-style", "description": "Our style." }""", "Short sentences."));
        config.Write("templates/mcp/docs.md", Md("""{ "name": "docs", "url": "https://mcp.example.com/docs" }"""));
    }

    [Fact]
    public async Task AddAgentManager_WithoutConfiguration_ResolvesBuiltInCatalogDisabledHooksAndPlanService()
    {
        await using var provider = Build(_ => { });

        var catalog = provider.GetRequiredService<AgentCatalog>();
        var hooks = provider.GetRequiredService<IHookRunner>();
        var result = await hooks.RunAsync(HookPoint.BeforeWorkflowRun, "wf", new Dictionary<string, string>(), CancellationToken.None);

        Assert.Equal(["manager", "supervisor", "worker"], catalog.Profiles.Select(p => p.AgentId));
        Assert.Empty(result.Outcomes);
        Assert.NotNull(provider.GetRequiredService<TaskPlanService>());
        Assert.IsType<InMemoryTaskPlanStore>(provider.GetRequiredService<ITaskPlanStore>());
        Assert.Same(catalog, provider.GetRequiredService<AgentCatalog>());
    }

    [Fact]
    public async Task AddAgentManager_HostRegisteredCatalogFirst_KeepsIt()
    {
        var own = new AgentCatalog([new AgentProfile { AgentId = "solo" }], [], []);

        await using var provider = Build(_ => { }, services => services.AddSingleton(own));

        Assert.Same(own, provider.GetRequiredService<AgentCatalog>());
    }

    [Fact]
    public async Task AddConfigurationDirectory_LoadsProfilesTemplatesAndHooks()
    {
        WriteTemplates();
        WriteReviewer();
        var marker = config.PathOf("hook-ran");
        config.Write("hooks.json", $$"""
            { "hooks": [ { "name": "mark", "point": "after_workflow_run", "command": ["/bin/sh", "-c", "echo $AGENTMANAGER_HOOK_NAME > '{{marker}}'"] } ] }
            """);

        await using var provider = Build(b => b.AddConfigurationDirectory(config.Path));
        var reviewer = provider.GetRequiredService<AgentCatalog>().Resolve("reviewer");
        var result = await provider.GetRequiredService<IHookRunner>().RunAsync(HookPoint.AfterWorkflowRun, "wf-1", new Dictionary<string, string>(), CancellationToken.None);

        Assert.Equal("house-style", Assert.Single(reviewer.Skills).Name);
        Assert.Equal("docs", Assert.Single(reviewer.McpServers).Name);
        Assert.True(Assert.Single(result.Outcomes).Succeeded);
        Assert.Equal("mark", File.ReadAllText(marker).Trim());
    }

    [Fact]
    public async Task AddConfigurationDirectory_HooksSwitchedOffAfterwards_RunsNoHook()
    {
        config.Write("hooks.json", """{ "hooks": [ { "name": "never", "point": "task_failed", "command": ["false"] } ] }""");

        await using var provider = Build(b =>
        {
            b.AddConfigurationDirectory(config.Path);
            b.Services.Configure<HookOptions>(o => o.Enabled = false);
        });
        var result = await provider.GetRequiredService<IHookRunner>().RunAsync(HookPoint.TaskFailed, "wf", new Dictionary<string, string>(), CancellationToken.None);

        Assert.Empty(result.Outcomes);
    }

    [Fact]
    public async Task HostStart_BadProfileFile_FailsWithTheFileNamed()
    {
        var bad = config.Write("broken.md", Md("""{ "agent_id": "broken", "layer": "middle" }"""));
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAgentManager().AddConfigurationDirectory(config.Path);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<AgentConfigurationException>(() => host.StartAsync());

        Assert.Contains(error.Errors, e => e.StartsWith(bad + ": layer: 'middle' is not a layer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostStart_BadHooksFile_FailsWithTheFileNamed()
    {
        var hooksFile = config.Write("hooks.json", """{ "hooks": [ { "name": "slow", "point": "task_failed", "command": ["true"], "timeout_seconds": -1 } ] }""");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAgentManager().AddConfigurationDirectory(config.Path);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<HookConfigurationException>(() => host.StartAsync());

        Assert.Contains(error.Errors, e => e.StartsWith(hooksFile + ": hooks[0].timeout_seconds:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostStart_MissingDirectory_FailsNamingIt()
    {
        var missing = config.PathOf("nowhere");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAgentManager().AddConfigurationDirectory(missing);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<AgentConfigurationException>(() => host.StartAsync());

        Assert.Equal($"{missing}: the configuration directory does not exist", Assert.Single(error.Errors));
    }

    [Fact]
    public async Task AddAgentProfile_ReplacesBuiltInAndIsReplacedByAFile()
    {
        config.Write("worker.md", Md("""{ "agent_id": "worker", "name": "File worker" }"""));
        var coded = new AgentProfile { AgentId = "coded", Name = "Coded" };
        var codedWorker = new AgentProfile { AgentId = "worker", Name = "Coded worker" };
        var codedManager = new AgentProfile { AgentId = "manager", Name = "Coded manager" };

        await using var provider = Build(b => b.AddAgentProfile(coded).AddAgentProfile(codedWorker).AddAgentProfile(codedManager).AddConfigurationDirectory(config.Path));
        var catalog = provider.GetRequiredService<AgentCatalog>();

        Assert.Equal(["coded", "manager", "supervisor", "worker"], catalog.Profiles.Select(p => p.AgentId));
        Assert.Same(coded, catalog.Resolve("coded").Profile);
        Assert.Same(codedManager, catalog.Resolve("manager").Profile);
        Assert.Equal("File worker", catalog.Resolve("worker").Profile.Name);
    }

    [Fact]
    public async Task AddAgentProfile_WithoutDirectory_JoinsTheBuiltIns()
    {
        await using var provider = Build(b => b.AddAgentProfile(new AgentProfile { AgentId = "coded", Skills = [new TemplateReference(TemplateKind.Skill, "code-review")] }));

        var coded = provider.GetRequiredService<AgentCatalog>().Resolve("coded");

        Assert.Equal("code-review", Assert.Single(coded.Skills).Name);
    }

    [Fact]
    public async Task AddAgentProfile_RepeatedOrInvalid_ListsEachProblem()
    {
        await using var provider = Build(b => b
            .AddAgentProfile(new AgentProfile { AgentId = "twice" })
            .AddAgentProfile(new AgentProfile { AgentId = "twice" })
            .AddAgentProfile(new AgentProfile { AgentId = "bad id" })
            .AddAgentProfile(new AgentProfile { AgentId = "needy", Skills = [new TemplateReference(TemplateKind.Skill, "nope")] }));

        var error = Assert.Throws<AgentConfigurationException>(() => provider.GetRequiredService<AgentCatalog>());

        Assert.Contains(error.Errors, e => e.StartsWith("AgentCatalogOptions.Profiles: agent 'twice' is defined more than once", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("AgentCatalogOptions.Profiles: agent 'bad id': agent_id:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddAgentProfile_UnresolvedRequiredSkill_ListsWhatIsAvailable()
    {
        await using var provider = Build(b => b.AddAgentProfile(new AgentProfile { AgentId = "needy", Skills = [new TemplateReference(TemplateKind.Skill, "nope")] }));

        var error = Assert.Throws<AgentConfigurationException>(() => provider.GetRequiredService<AgentCatalog>());

        Assert.Equal(
            "agent 'needy': skills[0]: required skill 'nope' does not resolve: no such template exists; available: code-review@1.0.0, sandbox-execution@1.0.0, task-planning@1.0.0",
            Assert.Single(error.Errors));
    }

    [Fact]
    public async Task PlanService_DeleteWhileTheWorkflowOfThePlanIsUnfinished_IsRefused()
    {
        await using var provider = Build(b => b.AddAgent("w", new DelegateAgentRunner((_, _) => ValueTask.FromResult(AgentResult.Success()))));
        var plans = provider.GetRequiredService<TaskPlanService>();
        var engine = provider.GetRequiredService<IWorkflowEngine>();
        await plans.CreateAsync(new NewTaskPlan { PlanId = "p-busy", Items = [new PlanItem { Id = "a", Title = "A" }] });
        await plans.CreateAsync(new NewTaskPlan { PlanId = "p-idle", Items = [new PlanItem { Id = "a", Title = "A" }] });
        var workflow = new WorkflowDefinition { Id = "p-busy", DefaultAgentId = "w", WorkRoot = config.Path };
        workflow.Tasks.Add(new TaskDefinition("a"));
        await engine.CreateAsync(workflow);

        var refused = await Assert.ThrowsAsync<PlanConflictException>(() => plans.DeleteAsync("p-busy"));
        await plans.DeleteAsync("p-idle");

        Assert.Contains("cannot be deleted while its workflow runs", refused.Message, StringComparison.Ordinal);
        Assert.Single(await plans.ListAsync());
    }

    [Fact]
    public void Options_Defaults_AreTheDocumentedValues()
    {
        var options = new AgentCatalogOptions();

        Assert.Null(options.ConfigDirectory);
        Assert.Empty(options.Profiles);
    }

    [Fact]
    public void ArgValidation()
    {
        var builder = new ServiceCollection().AddAgentManager();

        Assert.Throws<ArgumentNullException>(() => ((IAgentManagerBuilder)null!).AddConfigurationDirectory("x"));
        Assert.Throws<ArgumentNullException>(() => builder.AddConfigurationDirectory(null!));
        Assert.Throws<ArgumentException>(() => builder.AddConfigurationDirectory(" "));
        Assert.Throws<ArgumentNullException>(() => builder.AddAgentProfile(null!));
        Assert.Throws<ArgumentNullException>(() => ((IAgentManagerBuilder)null!).AddAgentProfile(BuiltInAgents.Worker));
    }
}

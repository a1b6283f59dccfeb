using AgentManager.Agents;
using AgentManager.Events;
using AgentManager.Hooks;
using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Tests.Plans;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Tests.DependencyInjection;

public sealed class PlanServiceRegistrationTests
{
    private static ServiceProvider Build(IServiceCollection services) =>
        services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

    [Fact]
    public async Task AddAgentManager_RegistersAWorkingPlanService_OverTheDefaults()
    {
        var services = new ServiceCollection();
        services.AddAgentManager();
        await using var provider = Build(services);

        var plans = provider.GetRequiredService<TaskPlanService>();
        await plans.CreateAsync(PlanTestKit.Plan("p1", PlanTestKit.Item("a")));
        var confirmed = await plans.ConfirmAsync("p1");

        Assert.Equal(PlanStatus.Confirmed, confirmed.Status);
        Assert.IsType<InMemoryTaskPlanStore>(provider.GetRequiredService<ITaskPlanStore>());
        Assert.IsType<HookRunner>(provider.GetRequiredService<IHookRunner>());
        Assert.Contains(provider.GetRequiredService<AgentCatalog>().Profiles, p => p.AgentId == "worker");
    }

    [Fact]
    public void AddAgentManager_CalledTwice_RegistersThePlanServiceOnce_AndKeepsServicesRegisteredBefore()
    {
        var catalog = new AgentCatalog([], [], []);
        var services = new ServiceCollection();
        services.AddSingleton(catalog);
        services.AddAgentManager();
        services.AddAgentManager();
        using var provider = Build(services);

        Assert.Single(services, d => d.ServiceType == typeof(TaskPlanService));
        Assert.Same(catalog, provider.GetRequiredService<AgentCatalog>());
    }

    [Fact]
    public async Task AddAgentManager_DeletingThePlanOfARunningWorkflow_IsRefused()
    {
        var services = new ServiceCollection();
        services.AddAgentManager();
        await using var provider = Build(services);
        var plans = provider.GetRequiredService<TaskPlanService>();
        await plans.CreateAsync(PlanTestKit.Plan("busy", PlanTestKit.Item("a")));
        await plans.CreateAsync(PlanTestKit.Plan("idle", PlanTestKit.Item("a")));
        var changes = new StateChanges();
        changes.Workflows.Add(new WorkflowRecord { WorkflowId = "busy", Status = WorkflowStatus.Running, CreatedAt = DateTimeOffset.UnixEpoch });
        await provider.GetRequiredService<IStateStore>().CommitAsync(changes, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<PlanConflictException>(() => plans.DeleteAsync("busy"));
        await plans.DeleteAsync("idle");

        Assert.Contains("while its workflow runs", refused.Message, StringComparison.Ordinal);
        Assert.Single(await plans.ListAsync());
    }
}

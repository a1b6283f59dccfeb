using AgentManager.Plans;

namespace AgentManager.Tests.Plans;

public sealed class TaskPlanStoreCoverageTests
{
    /// <summary>Every plan store in Core must pass the shared contract: a store without a contract subclass fails here.</summary>
    [Fact]
    public void EveryTaskPlanStore_HasAContractTestSubclass()
    {
        var stores = typeof(ITaskPlanStore).Assembly.GetTypes()
            .Where(t => typeof(ITaskPlanStore).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
            .ToList();
        var covered = typeof(TaskPlanStoreCoverageTests).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(TaskPlanStoreContractTests)) && !t.IsAbstract)
            .Select(t => t.Name.Replace("ContractTests", string.Empty, StringComparison.Ordinal))
            .ToHashSet();

        Assert.Equal(2, stores.Count);
        Assert.All(stores, store => Assert.True(covered.Contains(store.Name), $"{store.Name} has no {store.Name}ContractTests subclass of TaskPlanStoreContractTests."));
    }
}

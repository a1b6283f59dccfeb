using AgentManager.Persistence;

namespace AgentManager.Tests.Persistence;

public sealed class StateStoreCoverageTests
{
    /// <summary>Every store in Core must pass the shared contract: a store without a contract subclass fails here.</summary>
    [Fact]
    public void EveryStateStore_HasAContractTestSubclass()
    {
        var stores = typeof(IStateStore).Assembly.GetTypes()
            .Where(t => typeof(IStateStore).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
            .ToList();
        var covered = typeof(StateStoreCoverageTests).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(StateStoreContractTests)) && !t.IsAbstract)
            .Select(t => t.Name.Replace("ContractTests", string.Empty, StringComparison.Ordinal))
            .ToHashSet();

        Assert.NotEmpty(stores);
        Assert.All(stores, store => Assert.True(covered.Contains(store.Name), $"{store.Name} has no {store.Name}ContractTests subclass of StateStoreContractTests."));
    }
}

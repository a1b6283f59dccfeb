using AgentManager.Persistence.Checkpoints;

namespace AgentManager.Tests.Persistence.Checkpoints;

public sealed class CheckpointStoreCoverageTests
{
    /// <summary>Every checkpoint store in Core must pass the shared contract: a store without a contract subclass fails here.</summary>
    [Fact]
    public void EveryCheckpointStore_HasAContractTestSubclass()
    {
        var stores = typeof(ICheckpointStore).Assembly.GetTypes()
            .Where(t => typeof(ICheckpointStore).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
            .ToList();
        var covered = typeof(CheckpointStoreCoverageTests).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(CheckpointStoreContractTests)) && !t.IsAbstract)
            .Select(t => t.Name.Replace("ContractTests", string.Empty, StringComparison.Ordinal))
            .ToHashSet();

        Assert.NotEmpty(stores);
        Assert.All(stores, store => Assert.True(covered.Contains(store.Name), $"{store.Name} has no {store.Name}ContractTests subclass of CheckpointStoreContractTests."));
    }
}

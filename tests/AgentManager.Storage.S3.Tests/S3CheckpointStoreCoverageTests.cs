using AgentManager.Persistence.Checkpoints;
using AgentManager.Tests.Persistence.Checkpoints;

namespace AgentManager.Storage.S3.Tests;

public sealed class S3CheckpointStoreCoverageTests
{
    /// <summary>Every checkpoint store of this package must pass the shared contract.</summary>
    [Fact]
    public void EveryCheckpointStoreOfThePackage_HasAContractTestSubclass()
    {
        var stores = typeof(S3CheckpointStoreOptions).Assembly.GetTypes()
            .Where(t => typeof(ICheckpointStore).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
            .ToList();
        var covered = typeof(S3CheckpointStoreCoverageTests).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(CheckpointStoreContractTests)) && !t.IsAbstract)
            .Select(t => t.Name.Replace("ContractTests", string.Empty, StringComparison.Ordinal))
            .ToHashSet();

        Assert.NotEmpty(stores);
        Assert.All(stores, store => Assert.True(covered.Contains(store.Name), $"{store.Name} has no {store.Name}ContractTests subclass of CheckpointStoreContractTests."));
    }
}

using AgentManager.Memory;

namespace AgentManager.Tests.Memory;

public sealed class MemoryCoverageTests
{
    public static TheoryData<Type, Type> Contracts => new()
    {
        { typeof(IVectorIndex), typeof(VectorIndexContractTests) },
        { typeof(ITaskHistory), typeof(TaskHistoryContractTests) },
        { typeof(IWorkingMemory), typeof(WorkingMemoryContractTests) },
    };

    /// <summary>Every memory store in Core must pass its shared contract: an implementation without a
    /// <c>{Name}ContractTests</c> subclass of the contract fails here.</summary>
    [Theory]
    [MemberData(nameof(Contracts))]
    public void EveryImplementation_HasAContractTestSubclass(Type contract, Type suite)
    {
        var implementations = contract.Assembly.GetTypes()
            .Where(t => contract.IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
            .ToList();
        var covered = typeof(MemoryCoverageTests).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(suite) && !t.IsAbstract)
            .Select(t => t.Name.Replace("ContractTests", string.Empty, StringComparison.Ordinal))
            .ToHashSet();

        Assert.NotEmpty(implementations);
        Assert.All(implementations, type => Assert.True(covered.Contains(type.Name), $"{type.Name} has no {type.Name}ContractTests subclass of {suite.Name}."));
    }
}

using AgentManager.Memory;

namespace AgentManager.Tests.Memory;

public sealed class InMemoryVectorIndexContractTests : VectorIndexContractTests
{
    protected override Task<IVectorIndex> CreateIndexAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IVectorIndex>(new InMemoryVectorIndex());
}

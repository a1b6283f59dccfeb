using AgentManager.Persistence;

namespace AgentManager.Tests.Persistence;

public sealed class InMemoryStateStoreContractTests : StateStoreContractTests
{
    protected override Task<IStateStore> CreateStoreAsync(CancellationToken cancellationToken) =>
        System.Threading.Tasks.Task.FromResult<IStateStore>(new InMemoryStateStore());
}

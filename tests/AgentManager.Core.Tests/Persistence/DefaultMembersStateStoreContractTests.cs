using AgentManager.Persistence;

namespace AgentManager.Tests.Persistence;

/// <summary>The shared contract against a store that implements only the members <see cref="IStateStore"/> has no
/// default for, as a store written before a default was added does: the defaults must keep the contract too.</summary>
public sealed class DefaultMembersStateStoreContractTests : StateStoreContractTests
{
    protected override Task<IStateStore> CreateStoreAsync(CancellationToken cancellationToken) =>
        System.Threading.Tasks.Task.FromResult<IStateStore>(new DefaultMembersStore(new InMemoryStateStore()));

    protected override bool KeepsWorkflowRequests => false;
}

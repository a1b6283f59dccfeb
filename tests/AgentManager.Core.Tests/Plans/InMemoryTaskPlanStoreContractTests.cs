using AgentManager.Plans;

namespace AgentManager.Tests.Plans;

public sealed class InMemoryTaskPlanStoreContractTests : TaskPlanStoreContractTests
{
    protected override Task<ITaskPlanStore> CreateStoreAsync(CancellationToken cancellationToken) =>
        Task.FromResult<ITaskPlanStore>(new InMemoryTaskPlanStore());
}

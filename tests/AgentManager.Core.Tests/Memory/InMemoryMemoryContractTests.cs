using AgentManager.Memory;

namespace AgentManager.Tests.Memory;

public sealed class InMemoryTaskHistoryContractTests : TaskHistoryContractTests
{
    protected override Task<ITaskHistory> CreateHistoryAsync(CancellationToken cancellationToken) =>
        Task.FromResult<ITaskHistory>(new InMemoryTaskHistory());
}

public sealed class InMemoryWorkingMemoryContractTests : WorkingMemoryContractTests
{
    protected override Task<IWorkingMemory> CreateMemoryAsync(TimeProvider timeProvider, CancellationToken cancellationToken) =>
        Task.FromResult<IWorkingMemory>(new InMemoryWorkingMemory(timeProvider));
}

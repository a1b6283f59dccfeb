using AgentManager.Lifecycle;
using AgentManager.Memory;
using AgentManager.Memory.Sqlite;

namespace AgentManager.Tests.Memory;

public sealed class SqliteTaskHistoryContractTests : TaskHistoryContractTests, IAsyncLifetime
{
    private readonly SqliteMemoryFiles _files = new();
    private int _next;

    protected override Task<ITaskHistory> CreateHistoryAsync(CancellationToken cancellationToken) =>
        Task.FromResult<ITaskHistory>(new SqliteTaskHistory(_files.Open("history" + _next++)));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _files.DeleteAllAsync();

    [Fact]
    public async Task Reopen_SameFile_FindsTheHistory()
    {
        var first = _files.Open();
        await new SqliteTaskHistory(first).RecordAsync(Outcome("t", 1, status: TaskState.Failed, attempts: 2), CancellationToken.None);
        await first.DisposeAsync();

        var read = await new SqliteTaskHistory(_files.Open()).QueryAsync(new TaskHistoryQuery { Status = TaskState.Failed }, CancellationToken.None);

        Assert.Equal(("t", 2), (Assert.Single(read).TaskId, read[0].Attempts));
    }
}

public sealed class SqliteWorkingMemoryContractTests : WorkingMemoryContractTests, IAsyncLifetime
{
    private readonly SqliteMemoryFiles _files = new();
    private int _next;

    protected override Task<IWorkingMemory> CreateMemoryAsync(TimeProvider timeProvider, CancellationToken cancellationToken) =>
        Task.FromResult<IWorkingMemory>(new SqliteWorkingMemory(_files.Open("working" + _next++), timeProvider));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _files.DeleteAllAsync();

    [Fact]
    public async Task Reopen_SameFile_KeepsLiveValuesAndTheirExpiry()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(1)));
        var first = _files.Open();
        await new SqliteWorkingMemory(first, time).SetAsync("wf-1", "k", "v", TimeSpan.FromMinutes(1), CancellationToken.None);
        await first.DisposeAsync();

        var second = new SqliteWorkingMemory(_files.Open(), time);

        var entry = await second.GetAsync("wf-1", "k", CancellationToken.None);
        Assert.Equal(new WorkingMemoryEntry("k", "v", time.GetUtcNow(), time.GetUtcNow().AddMinutes(1)), entry);
        Assert.Equal(TimeSpan.FromHours(1), entry!.ExpiresAt!.Value.Offset);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await second.GetAsync("wf-1", "k", CancellationToken.None));
    }
}

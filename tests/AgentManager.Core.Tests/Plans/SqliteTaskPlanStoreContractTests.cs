using AgentManager.Persistence;
using AgentManager.Persistence.Sqlite;
using AgentManager.Plans;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using static AgentManager.Tests.Plans.PlanTestKit;

namespace AgentManager.Tests.Plans;

public sealed class SqliteTaskPlanStoreContractTests : TaskPlanStoreContractTests, IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentmanager-plan-store-tests", Guid.NewGuid().ToString("N"));
    private readonly List<IAsyncDisposable> _opened = [];

    private string DatabasePath => Path.Combine(_directory, "state.db");

    protected override Task<ITaskPlanStore> CreateStoreAsync(CancellationToken cancellationToken) =>
        Task.FromResult<ITaskPlanStore>(Open());

    private SqliteTaskPlanStore Open()
    {
        var store = new SqliteTaskPlanStore(new SqliteStoreOptions { Path = DatabasePath });
        _opened.Add(store);
        return store;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Reopen_SameFile_FindsEveryVersion()
    {
        var first = Open();
        await first.AddAsync(Version("p", 1), CancellationToken.None);
        await first.UpdateAsync(Version("p", 2), CancellationToken.None);
        await first.DisposeAsync();

        var second = Open();

        Assert.Equal(2, (await second.GetAsync("p", null, CancellationToken.None))!.Version);
        Assert.Equal("v1", (await second.GetAsync("p", 1, CancellationToken.None))!.Items[0].Id);
    }

    [Fact]
    public async Task SharesTheFileWithTheStateStore_WhicheverOpensItFirst()
    {
        var plans = Open();
        var state = new SqliteStateStore(new SqliteStoreOptions { Path = DatabasePath });
        _opened.Add(state);

        await Task.WhenAll(
            plans.AddAsync(Version("p", 1), CancellationToken.None),
            state.ListWorkflowsAsync(CancellationToken.None));

        Assert.NotNull(await plans.GetAsync("p", null, CancellationToken.None));
        Assert.Empty(await state.ListSchedulesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task UseSqliteStore_RegistersThePlanStoreOnTheSameFile()
    {
        var services = new ServiceCollection();
        services.AddAgentManager().UseSqliteStore(o => o.Path = DatabasePath);
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<ITaskPlanStore>();
        await store.AddAsync(Version("p", 1), CancellationToken.None);

        Assert.IsType<SqliteTaskPlanStore>(store);
        Assert.IsType<SqliteStateStore>(provider.GetRequiredService<IStateStore>());
        Assert.NotNull(await Open().GetAsync("p", null, CancellationToken.None));
    }

    [Fact]
    public async Task Service_OnTheSqliteStore_KeepsEveryVersionAndTheConfirmedOne()
    {
        await using var harness = new PlanHarness();
        var service = new TaskPlanService(Open(), AgentManager.Agents.AgentCatalog.CreateDefault(), harness.HookRunner, harness.Events.Bus, harness.Time);
        var draft = await service.CreateAsync(Plan("docs", Item("a"), Item("b", "a")));
        var edited = await service.EditAsync("docs", draft.Version, [Item("a"), Item("b", "a"), Item("c")]);

        var confirmed = await service.ConfirmAsync("docs");

        var reopened = Open();
        Assert.Equal((3, 3), ((await reopened.GetAsync("docs", null, CancellationToken.None))!.Version, (await reopened.GetAsync("docs", null, CancellationToken.None))!.ConfirmedVersion!.Value));
        Assert.Equal(2, (await reopened.GetAsync("docs", 1, CancellationToken.None))!.Items.Count);
        Assert.Equal(confirmed.Items, (await reopened.GetAsync("docs", 3, CancellationToken.None))!.Items);
        Assert.Equal(["c"], (await service.DiffAsync("docs", draft.Version, edited.Version)).Added.Select(i => i.Id));
    }

    [Fact]
    public async Task Open_DatabaseFromANewerVersion_IsRefusedWithAClearError()
    {
        Directory.CreateDirectory(_directory);
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            await command.ExecuteNonQueryAsync();
        }

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => Open().ListAsync(CancellationToken.None));

        Assert.Contains("schema version 99", exception.Message, StringComparison.Ordinal);
    }
}

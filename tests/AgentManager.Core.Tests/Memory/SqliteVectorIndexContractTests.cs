using AgentManager.Memory;
using AgentManager.Memory.Sqlite;
using AgentManager.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace AgentManager.Tests.Memory;

public sealed class SqliteVectorIndexContractTests : VectorIndexContractTests, IAsyncLifetime
{
    private readonly SqliteMemoryFiles _files = new();
    private int _next;

    protected override Task<IVectorIndex> CreateIndexAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IVectorIndex>(new SqliteVectorIndex(_files.Open("index" + _next++)));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _files.DeleteAllAsync();

    [Fact]
    public async Task Reopen_SameFile_FindsAndSearchesEverything()
    {
        var first = _files.Open();
        await new SqliteVectorIndex(first).UpsertAsync([Entry("a", [1, 0, 0], "n", ["t"]), Entry("b", [0, 1, 0], "n")], CancellationToken.None);
        await first.DisposeAsync();

        var second = new SqliteVectorIndex(_files.Open());

        Assert.Equal("text of a", (await second.GetAsync("a", CancellationToken.None))!.Text);
        Assert.Equal(["b", "a"], (await second.SearchAsync(new float[] { 0, 1, 0.1f }, 5, new MemoryFilter { Namespace = "n" }, CancellationToken.None)).Select(r => r.Record.Id));
        Assert.Equal(1, await second.CountAsync(new MemoryFilter { Tags = ["t"] }, CancellationToken.None));
        await Assert.ThrowsAsync<VectorDimensionMismatchException>(() => second.UpsertAsync([Entry("c", [1, 0])], CancellationToken.None));
    }

    [Fact]
    public async Task Upsert_StoresUnitVectorsAsFloat32Blobs()
    {
        var index = new SqliteVectorIndex(_files.Open());
        await index.UpsertAsync([Entry("a", [3, 4])], CancellationToken.None);

        await using var connection = new SqliteConnection($"Data Source={_files.PathOf()};Pooling=False");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT dimensions, vector FROM memories WHERE id = 'a'";
        using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var blob = (byte[])reader.GetValue(1);

        Assert.Equal(2, reader.GetInt32(0));
        Assert.Equal(8, blob.Length);
        Assert.Equal(0.6f, BitConverter.ToSingle(blob, 0), 6);
        Assert.Equal(0.8f, BitConverter.ToSingle(blob, 4), 6);
    }

    [Fact]
    public async Task Open_DatabaseFromANewerVersion_IsRefusedWithAClearError()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_files.PathOf())!);
        await using (var connection = new SqliteConnection($"Data Source={_files.PathOf()};Pooling=False"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA application_id = {SqliteMemoryMigrations.ApplicationId}; PRAGMA user_version = 99;";
            await command.ExecuteNonQueryAsync();
        }

        var index = new SqliteVectorIndex(_files.Open());

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => index.CountAsync(null, CancellationToken.None));
        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_TheStateStoresFile_IsRefusedWithAClearError()
    {
        var path = _files.PathOf("state");
        await using (var store = new SqliteStateStore(new SqliteStoreOptions { Path = path }))
        {
            await store.ListWorkflowsAsync(CancellationToken.None);
        }

        var index = new SqliteVectorIndex(_files.Open("state"));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => index.CountAsync(null, CancellationToken.None));
        Assert.Contains("not an AgentManager memory database", ex.Message, StringComparison.Ordinal);
        await using var again = new SqliteStateStore(new SqliteStoreOptions { Path = path });
        Assert.Empty(await again.ListWorkflowsAsync(CancellationToken.None));
    }
}

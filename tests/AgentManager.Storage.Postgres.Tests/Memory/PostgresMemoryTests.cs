using AgentManager.Lifecycle;
using AgentManager.Memory;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AgentManager.Storage.Postgres.Tests.Memory;

/// <summary>What PostgreSQL memory adds to the shared contracts: several hosts (each its own data source) on one
/// schema share one memory, and the rules that need one view of the index hold across them.</summary>
[Collection(PostgresTestGroup.Name)]
public sealed class PostgresMemoryTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly DateTimeOffset Created = new(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));

    private readonly MemorySchemas _schemas = new(server);

    public System.Threading.Tasks.Task InitializeAsync() => System.Threading.Tasks.Task.CompletedTask;

    public System.Threading.Tasks.Task DisposeAsync() => _schemas.DisposeAllAsync();

    private static VectorEntry Entry(string id, float[] vector, string[]? tags = null) => new(
        new MemoryRecord { Id = id, Namespace = "n", Text = "text of " + id, Tags = tags ?? [], CreatedAt = Created },
        vector);

    private Task<object?> ScalarAsync(string sql) => server.ScalarAsync(sql);

    [Fact]
    public async Task TwoHosts_OneSchema_SeeEachOthersRecordsOutcomesAndValues()
    {
        var schema = PostgresServer.NewSchema();
        var (one, two) = (_schemas.Open(schema), _schemas.Open(schema));
        var time = new FakeTimeProvider(Created);

        await new PostgresVectorIndex(one).UpsertAsync([Entry("a", [1, 0, 0], ["t"])], CancellationToken.None);
        await new PostgresVectorIndex(two).UpsertAsync([Entry("b", [0, 1, 0])], CancellationToken.None);
        await new PostgresTaskHistory(one).RecordAsync(new TaskOutcome { WorkflowId = "wf-1", TaskId = "t", AgentId = "a", Status = TaskState.Failed, Attempts = 2, FinishedAt = Created }, CancellationToken.None);
        await new PostgresWorkingMemory(one, time).SetAsync("wf-1", "k", "v", TimeSpan.FromMinutes(1), CancellationToken.None);

        var index = new PostgresVectorIndex(two);
        Assert.Equal(["a", "b"], (await index.SearchAsync(new float[] { 1, 0.1f, 0 }, 5, null, CancellationToken.None)).Select(r => r.Record.Id));
        Assert.Equal(1, await new PostgresVectorIndex(one).CountAsync(new MemoryFilter { Tags = ["t"] }, CancellationToken.None));
        await Assert.ThrowsAsync<VectorDimensionMismatchException>(() => index.UpsertAsync([Entry("c", [1, 0])], CancellationToken.None));
        var outcome = Assert.Single(await new PostgresTaskHistory(two).QueryAsync(new TaskHistoryQuery { Status = TaskState.Failed }, CancellationToken.None));
        Assert.Equal(("t", 2), (outcome.TaskId, outcome.Attempts));
        var working = new PostgresWorkingMemory(two, time);
        Assert.Equal("v", (await working.GetAsync("wf-1", "k", CancellationToken.None))!.Value);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await working.GetAsync("wf-1", "k", CancellationToken.None));
    }

    /// <summary>Hosts that write the first vectors of an empty index at once, each with another dimension: one
    /// dimension wins, every other batch is refused whole, and the index holds one dimension only.</summary>
    [Fact]
    public async Task ConcurrentFirstUpserts_OfDifferentDimensions_ExactlyOneDimensionWins()
    {
        var schema = PostgresServer.NewSchema();
        var hosts = Enumerable.Range(0, 6).Select(_ => new PostgresVectorIndex(_schemas.Open(schema))).ToList();
        await hosts[0].CountAsync(null, CancellationToken.None); // the schema exists before the race

        var results = await System.Threading.Tasks.Task.WhenAll(hosts.Select((host, h) => System.Threading.Tasks.Task.Run(async () =>
        {
            var dimensions = h + 2;
            var vector = Enumerable.Repeat(1f, dimensions).ToArray();
            try
            {
                await host.UpsertAsync([Entry($"h{h}-a", vector), Entry($"h{h}-b", vector)], CancellationToken.None);
                return (Dimensions: dimensions, Stored: true);
            }
            catch (VectorDimensionMismatchException ex)
            {
                Assert.Equal(dimensions, ex.Actual);
                return (Dimensions: ex.Expected, Stored: false);
            }
        })));

        var winner = Assert.Single(results, r => r.Stored).Dimensions;
        Assert.All(results, r => Assert.Equal(winner, r.Dimensions));
        Assert.Equal(2L, await hosts[0].CountAsync(null, CancellationToken.None));
        Assert.Equal(1L, await ScalarAsync($"SELECT count(DISTINCT dimensions) FROM \"{schema}\".memory_records"));
    }

    [Fact]
    public async Task Upsert_StoresUnitVectorsAsReals()
    {
        var database = _schemas.Open();
        await new PostgresVectorIndex(database).UpsertAsync([Entry("a", [3, 4])], CancellationToken.None);

        var vector = (float[])(await ScalarAsync($"SELECT vector FROM \"{database.Schema}\".memory_records WHERE id = 'a'"))!;

        Assert.Equal(2, vector.Length);
        Assert.Equal(0.6f, vector[0], 6);
        Assert.Equal(0.8f, vector[1], 6);
        Assert.Equal(2, await ScalarAsync($"SELECT dimensions FROM \"{database.Schema}\".memory_records WHERE id = 'a'"));
    }

    /// <summary>Hosts writing working memory at once while expired values wait to be purged: every write lands, none
    /// waits on another's purge for ever (no deadlock), and the expired values are gone.</summary>
    [Fact]
    public async Task WorkingMemory_ConcurrentWritersOverExpiredValues_AllLandAndTheExpiredArePurged()
    {
        var schema = PostgresServer.NewSchema();
        var time = new FakeTimeProvider(Created);
        var hosts = Enumerable.Range(0, 4).Select(_ => new PostgresWorkingMemory(_schemas.Open(schema), time)).ToList();
        for (var i = 0; i < 20; i++)
        {
            await hosts[0].SetAsync("wf-old", "k" + i, "v", TimeSpan.FromSeconds(1), CancellationToken.None);
        }

        time.Advance(TimeSpan.FromSeconds(1));
        await System.Threading.Tasks.Task.WhenAll(hosts.Select((host, h) => System.Threading.Tasks.Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await host.SetAsync("wf-" + h, "k" + i, "v", TimeSpan.FromMinutes(5), CancellationToken.None);
            }
        })));

        for (var h = 0; h < hosts.Count; h++)
        {
            Assert.Equal(10, (await hosts[(h + 1) % hosts.Count].ListAsync("wf-" + h, CancellationToken.None)).Count);
        }

        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM \"{schema}\".working_memory WHERE workflow_id = 'wf-old'"));
        Assert.Equal(0, await hosts[0].ClearAsync("wf-old", CancellationToken.None));
        Assert.Equal(10, await hosts[1].ClearAsync("wf-2", CancellationToken.None));
    }

    /// <summary>A schema that an earlier version created (version 1, no memory tables) gains them on first use.</summary>
    [Fact]
    public async Task SchemaOfVersionOne_IsMigratedToTheMemoryTablesOnFirstUse()
    {
        var schema = PostgresServer.NewSchema();
        await ScalarAsync(EarlierSchema.Sql(schema, 1));

        var history = new PostgresTaskHistory(_schemas.Open(schema));
        await history.RecordAsync(new TaskOutcome { WorkflowId = "wf-1", TaskId = "t", AgentId = "a", Status = TaskState.Completed, FinishedAt = Created }, CancellationToken.None);

        Assert.Single(await history.QueryAsync(new TaskHistoryQuery(), CancellationToken.None));
        Assert.Equal(PostgresMigrations.CurrentVersion, await ScalarAsync($"SELECT max(version) FROM \"{schema}\".schema_migrations"));
    }
}

using AgentManager.Memory;
using AgentManager.Tests.Memory;
using Npgsql;

namespace AgentManager.Storage.Postgres.Tests.Memory;

/// <summary>Opens a fresh schema per store under test and disposes them after the test.</summary>
internal sealed class MemorySchemas(PostgresServer server)
{
    private readonly List<PostgresDatabase> _databases = [];

    public PostgresDatabase Open(string? schema = null)
    {
        var database = new PostgresDatabase(NpgsqlDataSource.Create(server.ConnectionString), schema ?? PostgresServer.NewSchema(), ownsDataSource: true);
        _databases.Add(database);
        return database;
    }

    public async System.Threading.Tasks.Task DisposeAllAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }
}

/// <summary>The shared vector index contract, against a real PostgreSQL server; each test gets a schema of its own.</summary>
[Collection(PostgresTestGroup.Name)]
public sealed class PostgresVectorIndexContractTests(PostgresServer server) : VectorIndexContractTests, IAsyncLifetime
{
    private readonly MemorySchemas _schemas = new(server);

    protected override System.Threading.Tasks.Task<IVectorIndex> CreateIndexAsync(CancellationToken cancellationToken) =>
        System.Threading.Tasks.Task.FromResult<IVectorIndex>(new PostgresVectorIndex(_schemas.Open()));

    public System.Threading.Tasks.Task InitializeAsync() => System.Threading.Tasks.Task.CompletedTask;

    public System.Threading.Tasks.Task DisposeAsync() => _schemas.DisposeAllAsync();
}

/// <summary>The shared task history contract, against a real PostgreSQL server.</summary>
[Collection(PostgresTestGroup.Name)]
public sealed class PostgresTaskHistoryContractTests(PostgresServer server) : TaskHistoryContractTests, IAsyncLifetime
{
    private readonly MemorySchemas _schemas = new(server);

    protected override System.Threading.Tasks.Task<ITaskHistory> CreateHistoryAsync(CancellationToken cancellationToken) =>
        System.Threading.Tasks.Task.FromResult<ITaskHistory>(new PostgresTaskHistory(_schemas.Open()));

    public System.Threading.Tasks.Task InitializeAsync() => System.Threading.Tasks.Task.CompletedTask;

    public System.Threading.Tasks.Task DisposeAsync() => _schemas.DisposeAllAsync();
}

/// <summary>The shared working memory contract, against a real PostgreSQL server.</summary>
[Collection(PostgresTestGroup.Name)]
public sealed class PostgresWorkingMemoryContractTests(PostgresServer server) : WorkingMemoryContractTests, IAsyncLifetime
{
    private readonly MemorySchemas _schemas = new(server);

    protected override System.Threading.Tasks.Task<IWorkingMemory> CreateMemoryAsync(TimeProvider timeProvider, CancellationToken cancellationToken) =>
        System.Threading.Tasks.Task.FromResult<IWorkingMemory>(new PostgresWorkingMemory(_schemas.Open(), timeProvider));

    public System.Threading.Tasks.Task InitializeAsync() => System.Threading.Tasks.Task.CompletedTask;

    public System.Threading.Tasks.Task DisposeAsync() => _schemas.DisposeAllAsync();
}

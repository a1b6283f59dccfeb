using AgentManager.Persistence;
using AgentManager.Tests.Persistence;
using Npgsql;

namespace AgentManager.Storage.Postgres.Tests;

/// <summary>The shared state store contract, against a real PostgreSQL server; each test gets a schema of its own.</summary>
[Collection(PostgresTestGroup.Name)]
public sealed class PostgresStateStoreContractTests(PostgresServer server) : StateStoreContractTests, IAsyncLifetime
{
    private readonly List<PostgresDatabase> _databases = [];

    protected override System.Threading.Tasks.Task<IStateStore> CreateStoreAsync(CancellationToken cancellationToken)
    {
        var database = new PostgresDatabase(NpgsqlDataSource.Create(server.ConnectionString), PostgresServer.NewSchema(), ownsDataSource: true);
        _databases.Add(database);
        return System.Threading.Tasks.Task.FromResult<IStateStore>(new PostgresStateStore(database));
    }

    public System.Threading.Tasks.Task InitializeAsync() => System.Threading.Tasks.Task.CompletedTask;

    public async System.Threading.Tasks.Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }
}

using AgentManager.Events;
using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Tests.Workflows;
using Npgsql;

namespace AgentManager.Storage.Postgres.Tests;

/// <summary>One schema that several engines share, each through a data source of its own, as separate hosts would.</summary>
/// <remarks>Signals (<c>LISTEN</c>/<c>NOTIFY</c>) are off unless asked for: the shared lease tests show what the polls do.</remarks>
internal sealed class SharedSchema(PostgresServer server, bool listenNotify = false) : ISharedStore
{
    private readonly List<PostgresDatabase> _databases = [];
    private readonly SharedStoreEngines _engines = new();

    public string Schema { get; } = PostgresServer.NewSchema();

    /// <summary>A store on its own connection pool.</summary>
    public IStateStore Open()
    {
        var database = new PostgresDatabase(NpgsqlDataSource.Create(server.ConnectionString), Schema, ownsDataSource: true) { ListenNotify = listenNotify };
        _databases.Add(database);
        return new PostgresStateStore(database);
    }

    /// <summary>A plan store on its own connection pool.</summary>
    public ITaskPlanStore OpenPlans()
    {
        var database = new PostgresDatabase(NpgsqlDataSource.Create(server.ConnectionString), Schema, ownsDataSource: true);
        _databases.Add(database);
        return new PostgresTaskPlanStore(database);
    }

    /// <summary>An engine on its own store, with its own clock and, optionally, its own bus and a wrapper around its store.</summary>
    public EngineFixture Engine(TimeProvider time, IEventBus? bus = null, Func<IStateStore, IStateStore>? wrap = null) =>
        _engines.Add(Open(), time, bus, wrap);

    public async ValueTask DisposeAsync()
    {
        await _engines.DisposeAsync();

        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }
}

using AgentManager.Events;
using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Tests.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace AgentManager.Storage.Postgres.Tests;

/// <summary>One schema that several engines share, each through a data source of its own, as separate hosts would.</summary>
internal sealed class SharedSchema(PostgresServer server) : ISharedStore
{
    private readonly List<PostgresDatabase> _databases = [];
    private readonly List<EngineFixture> _engines = [];

    public string Schema { get; } = PostgresServer.NewSchema();

    /// <summary>A store on its own connection pool.</summary>
    public IStateStore Open()
    {
        var database = new PostgresDatabase(NpgsqlDataSource.Create(server.ConnectionString), Schema, ownsDataSource: true);
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
    public EngineFixture Engine(TimeProvider time, IEventBus? bus = null, Func<IStateStore, IStateStore>? wrap = null)
    {
        var store = Open();
        var fixture = new EngineFixture(
            time: time,
            store: wrap is null ? store : wrap(store),
            agents: bus is null ? null : b => b.Services.Replace(ServiceDescriptor.Singleton<IEventBus>(bus)));
        _engines.Add(fixture);
        return fixture;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var engine in _engines)
        {
            try
            {
                await engine.DisposeAsync();
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or LeaseLostException)
            {
                // An engine whose loop a test crashed, or whose lease it took over, reports that again when it stops.
            }
        }

        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }
}

using AgentManager.Events;
using AgentManager.Hosting;
using AgentManager.Hosting.Adhoc;
using AgentManager.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentManager.Tests.Adhoc;

/// <summary>One state store shared by several hosts: one SQLite file or one PostgreSQL schema that each host opens
/// with a store of its own (as processes would), or one in-memory store that every host uses. Each host is a service provider with
/// <c>AddAgentManager()</c>; disposing closes them all and deletes the file.</summary>
internal sealed class SharedStore : IAsyncDisposable
{
    public const string Sqlite = "sqlite";
    public const string Memory = "memory";
    public const string Postgres = "postgres";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentmanager-hosting-tests", "shared-" + Guid.NewGuid().ToString("N"));
    private readonly List<ServiceProvider> _hosts = [];
    private readonly List<AdhocTaskBoard> _boards = [];
    private readonly string _kind;
    private readonly string _schema = AgentManager.Storage.Postgres.Tests.PostgresServer.NewSchema();

    public SharedStore(string kind)
    {
        _kind = kind is Sqlite or Memory or Postgres ? kind : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Expected 'sqlite', 'memory' or 'postgres'.");
    }

    /// <summary>Gets the SQLite file's path (its directory is made by the first store that opens it).</summary>
    public string DatabasePath => Path.Combine(_directory, "state.db");

    /// <summary>Gets the store of the first host, for reading what the boards stored.</summary>
    public IStateStore Store => _hosts.Count > 0 ? _hosts[0].GetRequiredService<IStateStore>() : Host().GetRequiredService<IStateStore>();

    /// <summary>A board of a new host: its own store of the file (or the shared in-memory one), bus and clock.</summary>
    /// <param name="time">The board's clock; the system's by default.</param>
    /// <param name="leaseWait">How long the board waits for a lease another board holds.</param>
    /// <param name="wrap">Wraps the store the board uses.</param>
    public AdhocTaskBoard Board(TimeProvider? time = null, TimeSpan? leaseWait = null, Func<IStateStore, IStateStore>? wrap = null)
    {
        var host = Host();
        var store = _kind == Memory ? Store : host.GetRequiredService<IStateStore>();
        var board = new AdhocTaskBoard(wrap is null ? store : wrap(store), host.GetRequiredService<IEventBus>(), time ?? TimeProvider.System, Options.Create(new AgentManagerApiOptions()))
        {
            LeaseWait = leaseWait ?? AdhocTaskBoard.DefaultLeaseWait,
        };
        _boards.Add(board);
        return board;
    }

    private ServiceProvider Host()
    {
        var services = new ServiceCollection();
        var builder = services.AddAgentManager();
        if (_kind == Sqlite)
        {
            builder.UseSqliteStore(o => o.Path = DatabasePath);
        }
        else if (_kind == Postgres)
        {
            var connectionString = SharedPostgresServer.ConnectionString();
            builder.UsePostgres(o => (o.ConnectionString, o.Schema) = (connectionString, _schema));
        }

        var host = services.BuildServiceProvider();
        _hosts.Add(host);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var board in _boards)
        {
            board.Dispose();
        }

        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

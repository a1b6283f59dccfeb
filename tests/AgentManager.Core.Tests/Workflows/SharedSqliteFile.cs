using AgentManager.Events;
using AgentManager.Persistence;
using AgentManager.Persistence.Sqlite;
using AgentManager.Plans;
using Microsoft.Data.Sqlite;

namespace AgentManager.Tests.Workflows;

/// <summary>One SQLite file opened by one or several stores (as several processes would, each with its own engine);
/// disposing it closes every store and engine it made and deletes the file.</summary>
internal sealed class SharedSqliteFile : ISharedStore
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentmanager-sqlite-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteStateStore> _stores = [];
    private readonly List<SqliteTaskPlanStore> _planStores = [];
    private readonly SharedStoreEngines _engines = new();

    /// <summary>Gets the database file's path (its directory is made by the first store that opens it).</summary>
    public string DatabasePath => Path.Combine(_directory, "state.db");

    public IStateStore Open() => OpenSqlite();

    public ITaskPlanStore OpenPlans()
    {
        var plans = new SqliteTaskPlanStore(new SqliteStoreOptions { Path = DatabasePath });
        _planStores.Add(plans);
        return plans;
    }

    /// <summary>A store of the file, for tests of the SQLite store's own members.</summary>
    public SqliteStateStore OpenSqlite()
    {
        var store = new SqliteStateStore(new SqliteStoreOptions { Path = DatabasePath });
        _stores.Add(store);
        return store;
    }

    /// <summary>An engine on its own store of the file, with its own clock and, optionally, its own bus and a
    /// wrapper around its store.</summary>
    public EngineFixture Engine(TimeProvider time, IEventBus? bus = null, Func<IStateStore, IStateStore>? wrap = null) =>
        _engines.Add(Open(), time, bus, wrap);

    public async ValueTask DisposeAsync()
    {
        await _engines.DisposeAsync();

        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        foreach (var plans in _planStores)
        {
            await plans.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

/// <summary>A bus that records what it published and fails, once, on a chosen event, as a process killed between
/// the commit of a batch and the publishing of its events would.</summary>
internal sealed class CrashingBus(Func<AgentManagerEvent, bool>? crashOn = null) : IEventBus, IAsyncDisposable
{
    private readonly EventBus _inner = new(1024);
    private readonly List<AgentManagerEvent> _published = [];
    private Func<AgentManagerEvent, bool>? _crashOn = crashOn;

    public long PublishedCount => _inner.PublishedCount;

    public IReadOnlyList<AgentManagerEvent> Published
    {
        get
        {
            lock (_published)
            {
                return _published.ToArray();
            }
        }
    }

    public async ValueTask PublishAsync(AgentManagerEvent @event, CancellationToken cancellationToken = default)
    {
        if (_crashOn?.Invoke(@event) == true)
        {
            _crashOn = null;
            throw new IOException($"Crashed before publishing {@event.Type}.");
        }

        lock (_published)
        {
            _published.Add(@event);
        }

        await _inner.PublishAsync(@event, cancellationToken);
    }

    public IAsyncDisposable Subscribe(EventFilter filter, Func<AgentManagerEvent, CancellationToken, ValueTask> handler) => _inner.Subscribe(filter, handler);

    public IAsyncEnumerable<AgentManagerEvent> ReadAllAsync(EventFilter filter, CancellationToken cancellationToken = default) => _inner.ReadAllAsync(filter, cancellationToken);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}

using AgentManager.Events;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Persistence.Sqlite;
using AgentManager.Workflows;
using BenchmarkDotNet.Attributes;

namespace AgentManager.Benchmarks.Micro;

/// <summary><c>IStateStore.CommitAsync</c> of one engine batch: 1000 task records, 1000 transitions
/// and 1000 events, committed 10 times into a fresh store (in memory, or a SQLite file in a fresh
/// temporary directory: WAL, synchronous=NORMAL); cost per batch.</summary>
[MemoryDiagnoser]
public class StoreCommitBenchmarks
{
    private const int BatchSize = 1000;
    private const int Commits = 10;
    private const string WorkflowId = "wf-bench";
    private readonly StateChanges _batch = new();
    private IStateStore _store = new InMemoryStateStore();
    private string? _directory;

    public enum StoreKind
    {
        Memory,
        Sqlite,
    }

    [Params(StoreKind.Memory, StoreKind.Sqlite)]
    public StoreKind Store { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var now = DateTimeOffset.UnixEpoch;
        for (var i = 0; i < BatchSize; i++)
        {
            var id = "t" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var transition = TaskLifecycle.Transition(WorkflowId, id, TaskState.Implementing, TaskTrigger.ImplementationSucceeded, 1, now);
            _batch.Tasks.Add(new TaskRecord { WorkflowId = WorkflowId, TaskId = id, Ordinal = i, State = transition.To, Attempt = 1, AgentId = "noop" });
            _batch.Transitions.Add(transition);
            _batch.Events.Add(transition); // the transition is its own event
        }
    }

    [IterationSetup]
    public void NewStore()
    {
        if (Store == StoreKind.Sqlite)
        {
            _directory = Directory.CreateTempSubdirectory("agentmanager-bench-").FullName;
            _store = new SqliteStateStore(new SqliteStoreOptions { Path = Path.Combine(_directory, "state.db") });
        }
        else
        {
            _store = new InMemoryStateStore();
        }

        var created = new StateChanges();
        created.Workflows.Add(new WorkflowRecord { WorkflowId = WorkflowId, Status = WorkflowStatus.Running, CreatedAt = DateTimeOffset.UnixEpoch });
        _store.CommitAsync(created, CancellationToken.None).GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void DeleteStore()
    {
        if (_store is IDisposable disposable)
        {
            disposable.Dispose();
        }

        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
            _directory = null;
        }
    }

    [Benchmark(OperationsPerInvoke = Commits)]
    public async Task CommitBatch()
    {
        for (var i = 0; i < Commits; i++)
        {
            await _store.CommitAsync(_batch, CancellationToken.None);
        }
    }
}

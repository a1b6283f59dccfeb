using AgentManager.Events;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using BenchmarkDotNet.Attributes;

namespace AgentManager.Benchmarks.Micro;

/// <summary><c>InMemoryStateStore.CommitAsync</c> of one engine batch: 1000 task records, 1000 transitions
/// and 1000 events, committed 10 times into a fresh store; cost per batch.</summary>
[MemoryDiagnoser]
public class StoreCommitBenchmarks
{
    private const int BatchSize = 1000;
    private const int Commits = 10;
    private const string WorkflowId = "wf-bench";
    private readonly StateChanges _batch = new();
    private InMemoryStateStore _store = new();

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
            _batch.Events.Add(new TaskEvent(transition));
        }
    }

    [IterationSetup]
    public void NewStore()
    {
        _store = new InMemoryStateStore();
        var created = new StateChanges();
        created.Workflows.Add(new WorkflowRecord { WorkflowId = WorkflowId, Status = WorkflowStatus.Running, CreatedAt = DateTimeOffset.UnixEpoch });
        _store.CommitAsync(created, CancellationToken.None).GetAwaiter().GetResult();
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

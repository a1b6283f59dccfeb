using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using BenchmarkDotNet.Attributes;

namespace AgentManager.Benchmarks.Micro;

/// <summary>The in-memory store's side of a large workflow's create and start, as the engine commits them: the create
/// (one commit of 100,000 new task records, Pending, into a fresh store) and the start (one commit of the same tasks'
/// whole records, Ready, into a store holding the created workflow). The rows outgrow the processor's caches, so
/// finding a row costs what it does in a 100,000-task run.</summary>
[MemoryDiagnoser]
public class StoreLargeWorkflowBenchmarks
{
    private const int TaskCount = 100_000;
    private const string WorkflowId = "wf-bench";
    private readonly StateChanges _create = new();
    private readonly StateChanges _start = new();
    private InMemoryStateStore _store = new();

    [GlobalSetup]
    public void Setup()
    {
        _create.Workflows.Add(new WorkflowRecord { WorkflowId = WorkflowId, Status = WorkflowStatus.Created, CreatedAt = DateTimeOffset.UnixEpoch });
        for (var i = 0; i < TaskCount; i++)
        {
            var id = "t" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var pending = new TaskRecord { WorkflowId = WorkflowId, TaskId = id, Ordinal = i, State = TaskState.Pending, AgentId = "noop" };
            _create.Tasks.Add(pending);
            _start.Tasks.Add(pending with { State = TaskState.Ready });
        }
    }

    [IterationSetup(Target = nameof(Create))]
    public void NewStore() => _store = new InMemoryStateStore();

    [IterationSetup(Target = nameof(Start))]
    public void CreatedStore()
    {
        _store = new InMemoryStateStore();
        _store.CommitAsync(_create, CancellationToken.None).GetAwaiter().GetResult();
    }

    [Benchmark]
    public Task Create() => _store.CommitAsync(_create, CancellationToken.None);

    [Benchmark]
    public Task Start() => _store.CommitAsync(_start, CancellationToken.None);
}

using AgentManager.Agents;
using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Benchmarks.Micro;

/// <summary>The in-memory store's side of a large workflow's create and start, as the engine commits them: the create
/// (one commit of 100,000 new task records, Pending, into a fresh store) and the start (one commit of the same tasks'
/// whole records, Ready, into a store holding the created workflow). The rows outgrow the processor's caches, so
/// finding a row costs what it does in a 100,000-task run. <see cref="Run"/> is the store's side of running them, eight at
/// a time as the engine's default concurrency does: commits of 16 task changes (eight tasks completed, the next eight
/// started), into a store holding the started workflow; cost for all 100,000 tasks. <see cref="CreateLive"/> is the
/// create as the engine sends it: its compiled tasks, read by the store without a record each.</summary>
[MemoryDiagnoser]
public class StoreLargeWorkflowBenchmarks
{
    private const int TaskCount = 100_000;
    private const string WorkflowId = "wf-bench";
    private readonly StateChanges _create = new();
    private readonly StateChanges _start = new();
    private readonly StateChanges _createLive = new();
    private readonly StateChanges[] _turns = new StateChanges[TaskCount / 8];
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

        var definition = new WorkflowDefinition { Id = WorkflowId, DefaultAgentId = "noop" };
        definition.Agents["noop"] = new DelegateAgentRunner((_, _) => ValueTask.FromResult(AgentResult.Success()));
        for (var i = 0; i < TaskCount; i++)
        {
            definition.Tasks.Add(new TaskDefinition("t" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var compiler = new WorkflowCompiler(new AgentManagerOptions(), new AgentRegistry([], new ServiceCollection().BuildServiceProvider()), TimeProvider.System);
        var run = compiler.Compile(definition);
        _createLive.Workflows.Add(run.ToRecord());
        foreach (var task in run.Tasks)
        {
            _createLive.Tasks.AddSource(task);
        }

        for (var turn = 0; turn < _turns.Length; turn++)
        {
            var changes = _turns[turn] = new StateChanges();
            for (var k = 0; k < 8; k++)
            {
                if (turn > 0)
                {
                    changes.TaskChanges.Add(Change(_create.Tasks[((turn - 1) * 8) + k], TaskState.Completed));
                }

                changes.TaskChanges.Add(Change(_create.Tasks[(turn * 8) + k], TaskState.Implementing));
            }
        }
    }

    // With the task's ordinal, as the engine sends a change: the in-memory store finds the row there.
    private static TaskStateChange Change(TaskRecord task, TaskState state) =>
        new() { WorkflowId = task.WorkflowId, TaskId = task.TaskId, Ordinal = task.Ordinal, State = state, Attempt = 1, Level = Workflows.RepairLevel.Retry };

    [IterationSetup(Targets = [nameof(Create), nameof(CreateLive)])]
    public void NewStore() => _store = new InMemoryStateStore();

    [IterationSetup(Targets = [nameof(Start), nameof(Run)])]
    public void CreatedStore()
    {
        _store = new InMemoryStateStore();
        _store.CommitAsync(_create, CancellationToken.None).GetAwaiter().GetResult();
    }

    [Benchmark]
    public Task Create() => _store.CommitAsync(_create, CancellationToken.None);

    [Benchmark]
    public Task CreateLive() => _store.CommitAsync(_createLive, CancellationToken.None);

    [Benchmark]
    public Task Start() => _store.CommitAsync(_start, CancellationToken.None);

    [Benchmark]
    public async Task Run()
    {
        await _store.CommitAsync(_start, CancellationToken.None);
        foreach (var turn in _turns)
        {
            await _store.CommitAsync(turn, CancellationToken.None);
        }
    }
}

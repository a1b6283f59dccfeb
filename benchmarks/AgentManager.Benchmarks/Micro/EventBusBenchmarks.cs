using AgentManager.Events;
using AgentManager.Lifecycle;
using BenchmarkDotNet.Attributes;

namespace AgentManager.Benchmarks.Micro;

/// <summary>Publishing on the real <c>EventBus</c> (capacity 1024 per subscriber) until every subscriber's
/// no-op handler has seen every event; cost per event published. Events are made beforehand, since
/// an event instance is published once.</summary>
[MemoryDiagnoser]
public class EventBusBenchmarks
{
    private const int Events = 100_000;
    private readonly List<IAsyncDisposable> _subscriptions = [];
    private EventBus _bus = new(1024);
    private TaskEvent[] _events = [];
    private long _handled;
    private long _target;
    private TaskCompletionSource _done = new();

    [Params(1, 10)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bus = new EventBus(1024);
        for (var i = 0; i < Subscribers; i++)
        {
            _subscriptions.Add(_bus.Subscribe(EventFilter.All, Handle));
        }
    }

    [IterationSetup]
    public void MakeEvents()
    {
        var transition = TaskLifecycle.Transition("wf-bench", "t1", TaskState.Ready, TaskTrigger.Start, 1, DateTimeOffset.UnixEpoch);
        _events = new TaskEvent[Events];
        for (var i = 0; i < Events; i++)
        {
            _events[i] = transition with { }; // a fresh, unpublished event each
        }

        _handled = 0;
        _target = (long)Events * Subscribers;
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public async Task PublishAndDeliver()
    {
        foreach (var @event in _events)
        {
            await _bus.PublishAsync(@event);
        }

        await _done.Task;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _bus.DisposeAsync();
        _subscriptions.Clear();
    }

    private ValueTask Handle(AgentManagerEvent @event, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _handled) == _target)
        {
            _done.TrySetResult();
        }

        return ValueTask.CompletedTask;
    }
}

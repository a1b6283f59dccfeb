using AgentManager.Events;
using AgentManager.Lifecycle;
using Microsoft.Extensions.Logging;

namespace AgentManager.Tests.Events;

public sealed class EventBusTests
{
    [Fact]
    public async Task PublishAsync_ManyEvents_SubscriberSeesPublishOrder()
    {
        const int count = 20_000;
        await using var bus = new EventBus(subscriberCapacity: 16);
        var recorder = new Recorder(count);
        await using var subscription = bus.Subscribe(EventFilter.All, recorder.Handle);

        for (var i = 0; i < count; i++)
        {
            await bus.PublishAsync(new NumberedEvent(i, $"wf-{i % 3}"));
        }

        await recorder.WaitAsync();
        Assert.Equal(Enumerable.Range(0, count), recorder.Events.Cast<NumberedEvent>().Select(e => e.Number));
        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), recorder.Events.Select(e => e.Sequence));
        Assert.Equal(count, bus.PublishedCount);
    }

    [Fact]
    public async Task PublishAsync_TwoSubscribers_BothReceiveEverything()
    {
        const int count = 1_000;
        await using var bus = new EventBus(subscriberCapacity: 8);
        var first = new Recorder(count);
        var second = new Recorder(count);
        await using var a = bus.Subscribe(EventFilter.All, first.Handle);
        await using var b = bus.Subscribe(EventFilter.All, second.Handle);

        for (var i = 0; i < count; i++)
        {
            await bus.PublishAsync(new NumberedEvent(i));
        }

        await Task.WhenAll(first.WaitAsync(), second.WaitAsync());
        Assert.Equal(Enumerable.Range(0, count), first.Events.Cast<NumberedEvent>().Select(e => e.Number));
        Assert.Equal(Enumerable.Range(0, count), second.Events.Cast<NumberedEvent>().Select(e => e.Number));
    }

    [Fact]
    public async Task PublishAsync_Filters_EachSubscriberGetsOnlyItsMatches()
    {
        await using var bus = new EventBus(subscriberCapacity: 8);
        var workflowTwo = new Recorder(2);
        var created = new Recorder(2);
        await using var a = bus.Subscribe(new EventFilter("wf-2"), workflowTwo.Handle);
        await using var b = bus.Subscribe(new EventFilter(types: [EventTypes.WorkflowCreated]), created.Handle);

        await bus.PublishAsync(new WorkflowEvent(EventTypes.WorkflowCreated, "wf-1", EventTestKit.Epoch));
        await bus.PublishAsync(new NumberedEvent(1, "wf-2"));
        await bus.PublishAsync(new WorkflowEvent(EventTypes.WorkflowCreated, "wf-2", EventTestKit.Epoch));

        await Task.WhenAll(workflowTwo.WaitAsync(), created.WaitAsync());
        Assert.Equal([2L, 3L], workflowTwo.Events.Select(e => e.Sequence));
        Assert.Equal([1L, 3L], created.Events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task PublishAsync_ThrowingHandler_IsLoggedAndNeitherItNorOthersStop()
    {
        var logger = new ListLogger<EventBus>();
        await using var bus = new EventBus(subscriberCapacity: 4, logger);
        var seenByFaulty = 0;
        var faultyDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var healthy = new Recorder(10);
        await using var faulty = bus.Subscribe(EventFilter.All, (e, _) =>
        {
            var seen = Interlocked.Increment(ref seenByFaulty);
            if (seen == 10)
            {
                faultyDone.TrySetResult();
            }

            return ((NumberedEvent)e).Number % 2 == 0
                ? throw new InvalidOperationException($"boom {((NumberedEvent)e).Number}")
                : ValueTask.FromException(new InvalidOperationException("async boom"));
        });
        await using var other = bus.Subscribe(EventFilter.All, healthy.Handle);

        for (var i = 0; i < 10; i++)
        {
            await bus.PublishAsync(new NumberedEvent(i));
        }

        await faultyDone.Task.WaitAsync(EventTestKit.Patience);
        await healthy.WaitAsync();
        await faulty.DisposeAsync();
        Assert.Equal(10, seenByFaulty);
        Assert.Equal(10, healthy.Events.Count);
        Assert.Equal(10, logger.Entries.Count);
        Assert.All(logger.Entries, entry =>
        {
            Assert.Equal(LogLevel.Error, entry.Level);
            Assert.Equal(1100, entry.EventId.Id);
            Assert.IsType<InvalidOperationException>(entry.Exception);
            Assert.Contains("numbered", entry.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task PublishAsync_FullSubscriber_WaitsForTheHandlerAndLosesNothing()
    {
        await using var bus = new EventBus(subscriberCapacity: 1);
        using var handler = new GatedHandler();
        var subscription = bus.Subscribe(EventFilter.All, handler.Handle);

        await bus.PublishAsync(new NumberedEvent(0));
        await handler.Entered;
        var queued = bus.PublishAsync(new NumberedEvent(1));
        var waiting = Enumerable.Range(2, 50).Select(i => bus.PublishAsync(new NumberedEvent(i)).AsTask()).ToList();

        Assert.True(queued.IsCompletedSuccessfully);
        Assert.All(waiting, publish => Assert.False(publish.IsCompleted));

        handler.Release();
        await Task.WhenAll(waiting).WaitAsync(EventTestKit.Patience);
        await subscription.DisposeAsync();
        Assert.Equal(52, handler.Count);
        Assert.Equal(52, bus.PublishedCount);
    }

    [Fact]
    public async Task PublishAsync_SubscriptionsComeAndGo_PublishersNeverFail()
    {
        await using var bus = new EventBus(subscriberCapacity: 2);
        var steady = new Recorder(10_000);
        await using var subscription = bus.Subscribe(EventFilter.All, steady.Handle);

        var publishers = Enumerable.Range(0, 2).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                await bus.PublishAsync(new NumberedEvent(i, $"wf-{p}"));
            }
        })).ToList();
        var churn = Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                var transient = bus.Subscribe(EventFilter.All, (_, _) => ValueTask.CompletedTask);
                using var stop = new CancellationTokenSource();
                await using var reader = bus.ReadAllAsync(EventFilter.All, stop.Token).GetAsyncEnumerator();
                var moving = reader.MoveNextAsync();
                await transient.DisposeAsync();
                await stop.CancelAsync();
                while (await moving)
                {
                    moving = reader.MoveNextAsync();
                }
            }
        });

        await Task.WhenAll([.. publishers, churn]).WaitAsync(EventTestKit.Patience);
        await steady.WaitAsync();
        Assert.Equal(10_000, bus.PublishedCount);
        Assert.Equal(10_000, steady.Events.Count);
    }

    [Fact]
    public async Task PublishAsync_ConcurrentPublishers_SequenceStrictlyIncreasesForEverySubscriber()
    {
        const int publishers = 4;
        const int perPublisher = 2_000;
        await using var bus = new EventBus(subscriberCapacity: 8);
        var first = new Recorder(publishers * perPublisher);
        var second = new Recorder(publishers * perPublisher);
        await using var a = bus.Subscribe(EventFilter.All, first.Handle);
        await using var b = bus.Subscribe(EventFilter.All, second.Handle);

        await Task.WhenAll(Enumerable.Range(0, publishers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < perPublisher; i++)
            {
                await bus.PublishAsync(new NumberedEvent(i, $"wf-{p}"));
            }
        })));

        await Task.WhenAll(first.WaitAsync(), second.WaitAsync());
        foreach (var events in new[] { first.Events, second.Events })
        {
            Assert.Equal(Enumerable.Range(1, publishers * perPublisher).Select(i => (long)i), events.Select(e => e.Sequence));
            foreach (var workflow in events.GroupBy(e => e.WorkflowId))
            {
                Assert.Equal(Enumerable.Range(0, perPublisher), workflow.Cast<NumberedEvent>().Select(e => e.Number));
            }
        }
    }

    [Fact]
    public async Task PublishAsync_CancelledWhileWaiting_ThrowsOperationCanceled()
    {
        await using var bus = new EventBus(subscriberCapacity: 1);
        using var handler = new GatedHandler();
        bus.Subscribe(EventFilter.All, handler.Handle);
        await bus.PublishAsync(new NumberedEvent(0));
        await handler.Entered;
        await bus.PublishAsync(new NumberedEvent(1));
        using var cancellation = new CancellationTokenSource();

        var waiting = bus.PublishAsync(new NumberedEvent(2), cancellation.Token).AsTask();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(EventTestKit.Patience));
        handler.Release();
    }

    [Fact]
    public async Task PublishAsync_SameEventTwice_ThrowsInvalidOperation()
    {
        await using var bus = new EventBus(subscriberCapacity: 4);
        var @event = new NumberedEvent(1);
        await bus.PublishAsync(@event);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await bus.PublishAsync(@event));
        await bus.PublishAsync(@event with { });
        Assert.Equal(2, bus.PublishedCount);
    }

    [Fact]
    public async Task PublishAsync_NoSubscriber_NumbersAndCountsEvents()
    {
        await using var bus = new EventBus(subscriberCapacity: 1);
        var first = new NumberedEvent(1);
        var second = new NumberedEvent(2);

        await bus.PublishAsync(first);
        await bus.PublishAsync(second);

        Assert.Equal(1, first.Sequence);
        Assert.Equal(2, second.Sequence);
        Assert.Equal(2, bus.PublishedCount);
    }

    [Fact]
    public async Task SubscribeOfT_MixedEvents_HandlerGetsOnlyItsClrType()
    {
        await using var bus = new EventBus(subscriberCapacity: 8);
        var tasks = new List<TaskEvent>();
        var workflows = new List<WorkflowEvent>();
        var numbered = new List<NumberedEvent>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var a = bus.Subscribe<TaskEvent>((e, _) => { tasks.Add(e); return ValueTask.CompletedTask; });
        await using var b = bus.Subscribe<WorkflowEvent>((e, _) => { workflows.Add(e); return ValueTask.CompletedTask; }, workflowId: "wf-1");
        await using var c = bus.Subscribe<NumberedEvent>((e, _) => { numbered.Add(e); done.TrySetResult(); return ValueTask.CompletedTask; });
        var transition = TaskLifecycle.Transition("wf-1", "build", TaskState.Ready, TaskTrigger.Start, 1, EventTestKit.Epoch);

        await bus.PublishAsync(transition);
        await bus.PublishAsync(new WorkflowEvent(EventTypes.WorkflowStarted, "wf-2", EventTestKit.Epoch));
        await bus.PublishAsync(new WorkflowEvent(EventTypes.WorkflowStarted, "wf-1", EventTestKit.Epoch));
        await bus.PublishAsync(new NumberedEvent(7));
        await done.Task.WaitAsync(EventTestKit.Patience);
        await bus.DisposeAsync();

        Assert.Equal(EventTypes.TaskStarted, Assert.Single(tasks).Type);
        Assert.Equal("wf-1", Assert.Single(workflows).WorkflowId);
        Assert.Equal(7, Assert.Single(numbered).Number);
    }

    [Fact]
    public async Task DisposeAsync_Subscription_HandlesQueuedEventsThenStops()
    {
        await using var bus = new EventBus(subscriberCapacity: 8);
        using var handler = new GatedHandler();
        var subscription = bus.Subscribe(EventFilter.All, handler.Handle);
        for (var i = 0; i < 4; i++)
        {
            await bus.PublishAsync(new NumberedEvent(i));
        }

        await handler.Entered;
        var disposing = subscription.DisposeAsync().AsTask();
        Assert.False(disposing.IsCompleted);
        Assert.Equal(0, bus.SubscriptionCount);
        await bus.PublishAsync(new NumberedEvent(99));

        handler.Release();
        await disposing.WaitAsync(EventTestKit.Patience);
        Assert.Equal(4, handler.Count);
    }

    [Fact]
    public async Task DisposeAsync_SubscriptionFromItsOwnHandler_DoesNotDeadlock()
    {
        await using var bus = new EventBus(subscriberCapacity: 4);
        var disposed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IAsyncDisposable? subscription = null;
        var ready = new TaskCompletionSource<IAsyncDisposable>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscription = bus.Subscribe(EventFilter.All, async (_, _) =>
        {
            await (await ready.Task).DisposeAsync();
            disposed.TrySetResult();
        });
        ready.SetResult(subscription);

        await bus.PublishAsync(new NumberedEvent(1));

        await disposed.Task.WaitAsync(EventTestKit.Patience);
        Assert.Equal(0, bus.SubscriptionCount);
    }

    [Fact]
    public async Task DisposeAsync_Bus_DrainsSubscriptionsThenRefusesWork()
    {
        var bus = new EventBus(subscriberCapacity: 8);
        using var handler = new GatedHandler();
        bus.Subscribe(EventFilter.All, handler.Handle);
        for (var i = 0; i < 5; i++)
        {
            await bus.PublishAsync(new NumberedEvent(i));
        }

        await handler.Entered;
        var disposing = bus.DisposeAsync().AsTask();
        Assert.False(disposing.IsCompleted);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await bus.PublishAsync(new NumberedEvent(5)));

        handler.Release();
        await disposing.WaitAsync(EventTestKit.Patience);
        Assert.Equal(5, handler.Count);
        Assert.Equal(5, bus.PublishedCount);
        Assert.Throws<ObjectDisposedException>(() => bus.Subscribe(EventFilter.All, (_, _) => ValueTask.CompletedTask));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () =>
        {
            await foreach (var _ in bus.ReadAllAsync(EventFilter.All))
            {
            }
        });
        await bus.DisposeAsync();
    }

    [Fact]
    public async Task DisposeAsync_WhilePublisherWaits_PublisherGetsObjectDisposed()
    {
        var bus = new EventBus(subscriberCapacity: 1);
        using var handler = new GatedHandler();
        bus.Subscribe(EventFilter.All, handler.Handle);
        await bus.PublishAsync(new NumberedEvent(0));
        await handler.Entered;
        await bus.PublishAsync(new NumberedEvent(1));
        var waiting = bus.PublishAsync(new NumberedEvent(2)).AsTask();

        var disposing = bus.DisposeAsync().AsTask();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(EventTestKit.Patience));
        handler.Release();
        await disposing.WaitAsync(EventTestKit.Patience);
        Assert.Equal(2, handler.Count);
    }

    [Fact]
    public async Task DisposeAsync_Subscription_ReleasesAWaitingPublisher()
    {
        await using var bus = new EventBus(subscriberCapacity: 1);
        using var handler = new GatedHandler();
        var subscription = bus.Subscribe(EventFilter.All, handler.Handle);
        await bus.PublishAsync(new NumberedEvent(0));
        await handler.Entered;
        await bus.PublishAsync(new NumberedEvent(1));
        var waiting = bus.PublishAsync(new NumberedEvent(2)).AsTask();

        var disposing = subscription.DisposeAsync().AsTask();

        await waiting.WaitAsync(EventTestKit.Patience);
        handler.Release();
        await disposing.WaitAsync(EventTestKit.Patience);
        Assert.Equal(2, handler.Count);
    }

    [Fact]
    public async Task ReadAllAsync_PublishedEvents_StreamsThemAndEndsOnCancellation()
    {
        await using var bus = new EventBus(subscriberCapacity: 8);
        using var cancellation = new CancellationTokenSource();
        await using var reader = bus.ReadAllAsync(new EventFilter("wf-1"), cancellation.Token).GetAsyncEnumerator();

        var first = reader.MoveNextAsync().AsTask();
        Assert.Equal(1, bus.SubscriptionCount);
        await bus.PublishAsync(new NumberedEvent(1));
        await bus.PublishAsync(new NumberedEvent(2, "wf-2"));
        await bus.PublishAsync(new NumberedEvent(3));

        Assert.True(await first.WaitAsync(EventTestKit.Patience));
        Assert.Equal(1, ((NumberedEvent)reader.Current).Number);
        Assert.True(await reader.MoveNextAsync());
        Assert.Equal(3, ((NumberedEvent)reader.Current).Number);

        var next = reader.MoveNextAsync().AsTask();
        await cancellation.CancelAsync();
        Assert.False(await next.WaitAsync(EventTestKit.Patience));
        await reader.DisposeAsync();
        Assert.Equal(0, bus.SubscriptionCount);
    }

    [Fact]
    public async Task ReadAllAsync_BusDisposed_EndsAfterQueuedEvents()
    {
        var bus = new EventBus(subscriberCapacity: 8);
        var received = new List<int>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(async () =>
        {
            var enumerator = bus.ReadAllAsync(EventFilter.All).GetAsyncEnumerator();
            await using (enumerator)
            {
                var moving = enumerator.MoveNextAsync();
                started.SetResult();
                while (await moving)
                {
                    received.Add(((NumberedEvent)enumerator.Current).Number);
                    moving = enumerator.MoveNextAsync();
                }
            }
        });
        await started.Task.WaitAsync(EventTestKit.Patience);

        await bus.PublishAsync(new NumberedEvent(1));
        await bus.PublishAsync(new NumberedEvent(2));
        await bus.DisposeAsync();

        await reading.WaitAsync(EventTestKit.Patience);
        Assert.Equal([1, 2], received);
    }

    [Fact]
    public void Constructor_CapacityBelowOne_ThrowsArgumentOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventBus(0));
}

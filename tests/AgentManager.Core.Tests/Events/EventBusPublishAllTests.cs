using AgentManager.Events;

namespace AgentManager.Tests.Events;

/// <summary>The engine loop publishes a turn's events in one call; a subscriber must see exactly what one
/// <see cref="EventBus.PublishAsync"/> after another would have given it.</summary>
public sealed class EventBusPublishAllTests
{
    [Fact]
    public async Task PublishAllAsync_RoomInEveryQueue_NumbersAndDeliversInOrderAtOnce()
    {
        await using var bus = new EventBus(subscriberCapacity: 64);
        var all = new Recorder(10);
        var second = new Recorder(5);
        await using var a = bus.Subscribe(EventFilter.All, all.Handle);
        await using var b = bus.Subscribe(new EventFilter("wf-2"), second.Handle);
        List<AgentManagerEvent> events = [.. Enumerable.Range(0, 10).Select(i => new NumberedEvent(i, $"wf-{(i % 2) + 1}"))];

        var published = bus.PublishAllAsync(events, 0, CancellationToken.None).AsTask();

        Assert.True(published.IsCompletedSuccessfully);
        await Task.WhenAll(all.WaitAsync(), second.WaitAsync());
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(Enumerable.Range(0, 10), all.Events.Cast<NumberedEvent>().Select(e => e.Number));
        Assert.Equal([1, 3, 5, 7, 9], second.Events.Cast<NumberedEvent>().Select(e => e.Number));
        Assert.Equal(10, bus.PublishedCount);
    }

    [Fact]
    public async Task PublishAllAsync_FullSubscriber_WaitsBeforeNumberingTheRestAndLosesNothing()
    {
        await using var bus = new EventBus(subscriberCapacity: 1);
        using var handler = new GatedHandler();
        var subscription = bus.Subscribe(EventFilter.All, handler.Handle);
        await bus.PublishAsync(new NumberedEvent(0));
        await handler.Entered;
        List<AgentManagerEvent> events = [.. Enumerable.Range(1, 5).Select(i => new NumberedEvent(i))];

        var published = bus.PublishAllAsync(events, 0, CancellationToken.None).AsTask();

        // The first fills the queue, the second waits for room, and the rest are not numbered before it is queued.
        Assert.False(published.IsCompleted);
        Assert.Equal([2L, 3L, 0L, 0L, 0L], events.Select(e => e.Sequence));
        Assert.Equal(3, bus.PublishedCount);

        handler.Release();
        await published.WaitAsync(EventTestKit.Patience);
        await subscription.DisposeAsync();
        Assert.Equal(6, handler.Count);
        Assert.Equal([2L, 3L, 4L, 5L, 6L], events.Select(e => e.Sequence));
        Assert.Equal(6, bus.PublishedCount);
    }

    [Fact]
    public async Task PublishAllAsync_FromAnIndex_PublishesOnlyTheRest()
    {
        await using var bus = new EventBus(subscriberCapacity: 8);
        List<AgentManagerEvent> events = [new NumberedEvent(0), new NumberedEvent(1), new NumberedEvent(2)];

        await bus.PublishAllAsync(events, 1, CancellationToken.None);

        Assert.Equal([0L, 1L, 2L], events.Select(e => e.Sequence));
        Assert.Equal(2, bus.PublishedCount);
    }

    [Fact]
    public async Task PublishAllAsync_AnEventPublishedBefore_ThrowsAndKeepsWhatCameBefore()
    {
        await using var bus = new EventBus(subscriberCapacity: 8);
        var again = new NumberedEvent(9);
        await bus.PublishAsync(again);
        List<AgentManagerEvent> events = [new NumberedEvent(0), again, new NumberedEvent(2)];

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await bus.PublishAllAsync(events, 0, CancellationToken.None));

        Assert.Equal(2, events[0].Sequence);
        Assert.Equal(0, events[2].Sequence);
        Assert.Equal(2, bus.PublishedCount);
    }

    [Fact]
    public async Task PublishAllAsync_Cancelled_PublishesNothing()
    {
        await using var bus = new EventBus(subscriberCapacity: 8);
        List<AgentManagerEvent> events = [new NumberedEvent(0)];

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await bus.PublishAllAsync(events, 0, new CancellationToken(canceled: true)));

        Assert.Equal(0, events[0].Sequence);
        Assert.Equal(0, bus.PublishedCount);
    }

    [Fact]
    public async Task PublishAllAsync_DisposedBus_ThrowsObjectDisposed()
    {
        var bus = new EventBus(subscriberCapacity: 8);
        await bus.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await bus.PublishAllAsync([new NumberedEvent(0)], 0, CancellationToken.None));
    }
}

using System.Threading.Channels;
using AgentManager.Events;
using CsCheck;

namespace AgentManager.Tests.Events;

public sealed class EventQueueTests
{
    /// <summary>Concurrent writers, some cancelling their waits, and one reader: every write that was not
    /// cancelled is read exactly once, each writer's events in the order written, and the queue never
    /// holds more than its capacity beyond the reader's batch.</summary>
    /// <remarks>Awaits rather than blocks: blocking pool threads while the writers and the reader need them
    /// starved the pool on a loaded 2-core machine for over 30 seconds.</remarks>
    [Fact]
    public async Task WriteAndRead_ConcurrentWritersWithCancellations_LoseNothingAndKeepOrder()
    {
        await Gen.Select(Gen.Int[1, 4], Gen.Int[1, 3], Gen.Int[0, 5]).SampleAsync(
            async (capacity, writers, cancelEvery) =>
            {
                const int perWriter = 300;
                var queue = new EventQueue(capacity);
                var read = new List<NumberedEvent>();
                var reader = Task.Run(async () =>
                {
                    while (await queue.WaitToReadAsync(CancellationToken.None))
                    {
                        while (queue.TryRead(out var @event))
                        {
                            read.Add((NumberedEvent)@event);
                        }
                    }
                });

                var written = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
                {
                    var kept = new List<int>();
                    for (var i = 0; i < perWriter; i++)
                    {
                        using var cancel = new CancellationTokenSource();
                        var write = queue.WriteAsync(new NumberedEvent(i, $"w{w}"), cancel.Token);
                        if (cancelEvery > 0 && i % (cancelEvery + 1) == 0)
                        {
                            await cancel.CancelAsync();
                        }

                        try
                        {
                            await write;
                            kept.Add(i);
                        }
                        catch (OperationCanceledException)
                        {
                        }
                    }

                    return kept;
                })).ToArray();

                var kept = await Task.WhenAll(written).WaitAsync(EventTestKit.Patience);
                queue.Complete();
                await reader.WaitAsync(EventTestKit.Patience);

                for (var w = 0; w < writers; w++)
                {
                    Assert.Equal(kept[w], read.Where(e => e.WorkflowId == $"w{w}").Select(e => e.Number));
                }
            },
            iter: 20);
    }

    [Fact]
    public async Task WriteAsync_QueueFull_WaitsUntilTheReaderTakesABatch()
    {
        var queue = new EventQueue(2);
        Assert.True(queue.TryWrite(new NumberedEvent(0)));
        Assert.True(queue.TryWrite(new NumberedEvent(1)));
        Assert.False(queue.TryWrite(new NumberedEvent(2)));

        var waiting = queue.WriteAsync(new NumberedEvent(2), CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.True(queue.TryRead(out var first));

        await waiting.WaitAsync(EventTestKit.Patience);
        Assert.Equal(0, ((NumberedEvent)first).Number);
        Assert.True(queue.TryRead(out var second));
        Assert.True(queue.TryRead(out var third));
        Assert.Equal([1, 2], new[] { second, third }.Cast<NumberedEvent>().Select(e => e.Number));
        Assert.False(queue.TryRead(out _));
    }

    [Fact]
    public async Task Complete_WithWaitingWriterAndParkedReader_FailsTheWriterAndEndsTheReader()
    {
        var queue = new EventQueue(1);
        Assert.True(queue.TryWrite(new NumberedEvent(0)));
        var waiting = queue.WriteAsync(new NumberedEvent(1), CancellationToken.None).AsTask();

        queue.Complete();

        await Assert.ThrowsAsync<ChannelClosedException>(() => waiting.WaitAsync(EventTestKit.Patience));
        Assert.False(queue.TryWrite(new NumberedEvent(2)));
        Assert.True(await queue.WaitToReadAsync(CancellationToken.None));
        Assert.True(queue.TryRead(out _));
        Assert.False(await queue.WaitToReadAsync(CancellationToken.None).AsTask().WaitAsync(EventTestKit.Patience));
    }

    [Fact]
    public async Task WaitToReadAsync_CancelledWhileParked_ThrowsOperationCanceled()
    {
        var queue = new EventQueue(1);
        using var cancel = new CancellationTokenSource();
        var parked = queue.WaitToReadAsync(cancel.Token).AsTask();
        Assert.False(parked.IsCompleted);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => parked.WaitAsync(EventTestKit.Patience));
        Assert.True(queue.TryWrite(new NumberedEvent(0)));
        Assert.True(await queue.WaitToReadAsync(CancellationToken.None));
    }
}

using AgentManager.Scheduling;
using CsCheck;

namespace AgentManager.Tests.Scheduling;

public sealed class DispatchQueueTests
{
    private static DispatchQueue<string> NewQueue(Dictionary<string, int>? capacities = null) =>
        new(new ResourcePool(capacities ?? new Dictionary<string, int>(), 1));

    private static List<string> Drain(DispatchQueue<string> queue)
    {
        var items = new List<string>();
        while (queue.TryDequeue(out var item, out _))
        {
            items.Add(item);
        }

        return items;
    }

    [Fact]
    public void TryDequeue_MixedPriorities_HigherFirstAndFifoOnTies()
    {
        var queue = NewQueue();
        queue.Enqueue("low-1", 0, null);
        queue.Enqueue("high-1", 5, null);
        queue.Enqueue("low-2", 0, null);
        queue.Enqueue("high-2", 5, null);
        queue.Enqueue("mid", 2, null);

        Assert.Equal(["high-1", "high-2", "mid", "low-1", "low-2"], Drain(queue));
    }

    /// <summary>Room reserved for a priority (a large start) changes nothing in what is handed out: a reserved line
    /// that is empty is not in line, and items of it and of other priorities keep their order.</summary>
    [Fact]
    public void Reserve_BeforeOrBetweenEnqueues_KeepsPriorityAndFifoOrder()
    {
        var queue = NewQueue();
        queue.Reserve(5, 1000);
        queue.Reserve(3, 10);
        Assert.Equal(0, queue.Count);
        Assert.False(queue.TryDequeue(out _, out _));

        queue.Enqueue("low-1", 0, null);
        queue.Enqueue("high-1", 5, null);
        queue.Reserve(5, 1000);
        queue.Reserve(0, 10);
        queue.Enqueue("high-2", 5, null);
        queue.Enqueue("low-2", 0, null);

        Assert.Equal(["high-1", "high-2", "low-1", "low-2"], Drain(queue));
    }

    [Fact]
    public void Enqueue_PriorityWhoseLineEmptied_TakesItsPlaceAgain()
    {
        var queue = NewQueue();
        queue.Enqueue("high-1", 5, null);
        Assert.Equal(["high-1"], Drain(queue));

        queue.Enqueue("low", 0, null);
        queue.Enqueue("high-2", 5, null);
        queue.Enqueue("mid", 2, null);
        queue.Enqueue("high-3", 5, null);

        Assert.Equal(["high-2", "high-3", "mid", "low"], Drain(queue));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void TryDequeue_SameWorkdirKey_SecondWaitsUntilFirstReleases()
    {
        var queue = NewQueue();
        queue.Enqueue("a", 0, ["workdir:/x"]);
        queue.Enqueue("b", 0, ["workdir:/x"]);
        queue.Enqueue("c", 0, null);

        Assert.True(queue.TryDequeue(out var first, out var held));
        Assert.Equal("a", first);
        Assert.True(queue.TryDequeue(out var second, out _));
        Assert.Equal("c", second);
        Assert.False(queue.TryDequeue(out _, out _));
        Assert.Equal(1, queue.Count);

        queue.Release(held);
        Assert.True(queue.TryDequeue(out var third, out _));
        Assert.Equal("b", third);
    }

    [Fact]
    public void TryDequeue_KeyWithCapacityTwo_LetsTwoRunAtOnce()
    {
        var queue = NewQueue(new Dictionary<string, int> { ["model:x"] = 2 });
        queue.Enqueue("a", 0, ["model:x"]);
        queue.Enqueue("b", 0, ["model:x"]);
        queue.Enqueue("c", 0, ["model:x"]);

        Assert.Equal(["a", "b"], Drain(queue));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void Release_WaitingItems_RejoinWithTheirOriginalPlaceInLine()
    {
        var queue = NewQueue();
        queue.Enqueue("holder", 9, ["r"]);
        Assert.True(queue.TryDequeue(out _, out var held));
        queue.Enqueue("early", 1, ["r"]);
        queue.Enqueue("late", 1, null);
        Assert.True(queue.TryDequeue(out var free, out var freeHeld));
        Assert.Equal("late", free);
        queue.Enqueue("later", 1, null);

        queue.Release(held);
        queue.Release(freeHeld);

        Assert.Equal(["early", "later"], Drain(queue));
    }

    [Fact]
    public void Release_MoreThanAcquired_Throws()
    {
        var pool = new ResourcePool(new Dictionary<string, int>(), 1);
        var ex = Assert.Throws<InvalidOperationException>(() => pool.ReleaseAll(["r"]));
        Assert.Contains("'r'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryAcquireAll_OneKeyBusy_TakesNone()
    {
        var pool = new ResourcePool(new Dictionary<string, int>(), 1);
        Assert.Null(pool.TryAcquireAll(["b"]));

        Assert.Equal("b", pool.TryAcquireAll(["a", "b"]));
        Assert.Equal(0, pool.InUse("a"));
    }

    /// <summary>Against a brute-force model: every dequeue hands out the best-placed item whose resources
    /// are free, a failed dequeue means no queued item could run, and no key exceeds its capacity.</summary>
    [Fact]
    public void Operations_RandomSequences_MatchTheBruteForceModel()
    {
        string[] keys = ["a", "b", "model:x"];
        var capacities = new Dictionary<string, int> { ["model:x"] = 2 };
        var op = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 3], Gen.Int[0, 7], Gen.Int[0, 100]);
        op.Array[1, 80].Sample(ops =>
        {
            var queue = new DispatchQueue<int>(new ResourcePool(capacities, 1));
            var queued = new List<(int Id, int Priority, string[] Resources)>();
            var held = new List<(int Id, string[] Resources)>();
            var inUse = keys.ToDictionary(k => k, _ => 0);
            var next = 0;
            foreach (var (kind, priority, mask, pick) in ops)
            {
                if (kind == 0)
                {
                    var resources = keys.Where((_, i) => (mask & (1 << i)) != 0).ToArray();
                    queue.Enqueue(next, priority, resources);
                    queued.Add((next++, priority, resources));
                }
                else if (kind == 1)
                {
                    var runnable = queued
                        .Where(q => q.Resources.All(k => inUse[k] < (capacities.TryGetValue(k, out var c) ? c : 1)))
                        .OrderByDescending(q => q.Priority).ThenBy(q => q.Id).ToList();
                    var got = queue.TryDequeue(out var id, out var taken);
                    if (runnable.Count == 0)
                    {
                        Assert.False(got);
                        continue;
                    }

                    Assert.True(got);
                    Assert.Equal(runnable[0].Id, id);
                    queued.RemoveAll(q => q.Id == id);
                    foreach (var k in taken)
                    {
                        inUse[k]++;
                        Assert.True(inUse[k] <= (capacities.TryGetValue(k, out var c) ? c : 1));
                    }

                    held.Add((id, taken));
                }
                else if (held.Count > 0)
                {
                    var (_, resources) = held[pick % held.Count];
                    held.RemoveAt(pick % held.Count);
                    queue.Release(resources);
                    foreach (var k in resources)
                    {
                        inUse[k]--;
                    }
                }

                Assert.Equal(queued.Count, queue.Count);
            }
        });
    }

    /// <summary>No starvation: whatever happened before, once running items keep finishing, every waiting
    /// item is handed out exactly once, and never beyond a key's capacity.</summary>
    [Fact]
    public void Operations_RandomSequencesThenDrain_EveryItemIsHandedOutOnce()
    {
        string[] keys = ["a", "b", "model:x", "tool:y"];
        var capacities = new Dictionary<string, int> { ["model:x"] = 2, ["tool:y"] = 3 };
        var op = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 3], Gen.Int[0, 15], Gen.Int[0, 100]);
        op.Array[1, 120].Sample(ops =>
        {
            var queue = new DispatchQueue<int>(new ResourcePool(capacities, 1));
            var held = new List<string[]>();
            var inUse = keys.ToDictionary(k => k, _ => 0);
            var handedOut = new HashSet<int>();
            var next = 0;

            void Take(int id, string[] taken)
            {
                Assert.True(handedOut.Add(id), $"Item {id} was handed out twice.");
                foreach (var k in taken)
                {
                    Assert.True(++inUse[k] <= (capacities.TryGetValue(k, out var c) ? c : 1), $"Key '{k}' is over capacity.");
                }

                held.Add(taken);
            }

            void Release(int at)
            {
                var resources = held[at];
                held.RemoveAt(at);
                queue.Release(resources);
                foreach (var k in resources)
                {
                    inUse[k]--;
                }
            }

            foreach (var (kind, priority, mask, pick) in ops)
            {
                if (kind == 0)
                {
                    queue.Enqueue(next++, priority, keys.Where((_, i) => (mask & (1 << i)) != 0).ToArray());
                }
                else if (kind == 1 && queue.TryDequeue(out var id, out var taken))
                {
                    Take(id, taken);
                }
                else if (kind == 2 && held.Count > 0)
                {
                    Release(pick % held.Count);
                }
            }

            while (queue.Count > 0 || held.Count > 0)
            {
                while (queue.TryDequeue(out var id, out var taken))
                {
                    Take(id, taken);
                }

                Assert.True(held.Count > 0, $"{queue.Count} item(s) wait although nothing holds a resource.");
                Release(0);
            }

            Assert.Equal(next, handedOut.Count);
        });
    }

    /// <summary>Many items on one key: each release admits the next waiter in order, in O(log n) per item.</summary>
    [Fact]
    public void Release_ManyWaitersOnOneKey_AdmitsThemInPriorityThenFifoOrder()
    {
        var queue = new DispatchQueue<int>(new ResourcePool(new Dictionary<string, int> { ["k"] = 2 }, 1));
        for (var i = 0; i < 10_000; i++)
        {
            queue.Enqueue(i, i % 3, ["k"]);
        }

        var order = new List<int>();
        var held = new Queue<string[]>();
        while (queue.Count > 0 || held.Count > 0)
        {
            while (queue.TryDequeue(out var item, out var taken))
            {
                order.Add(item);
                held.Enqueue(taken);
            }

            queue.Release(held.Dequeue());
        }

        var expected = Enumerable.Range(0, 10_000).OrderByDescending(i => i % 3).ThenBy(i => i);
        Assert.Equal(expected, order);
    }
}

using System.Diagnostics;
using System.Globalization;
using AgentManager.Benchmarks.Cli;
using AgentManager.Events;
using AgentManager.Lifecycle;

namespace AgentManager.Benchmarks.EventRate;

/// <summary><c>eventrate [--events 2000000] [--subscribers 1] [--rounds 3]</c>: publishes N events on the real
/// <c>EventBus</c> (capacity 1024 per subscriber) one at a time, as the engine does, until every subscriber's
/// no-op handler has seen all of them; prints one line per round with the wall time and the process CPU time
/// per event. The CPU time (both threads) is what a busy, shared machine distorts least.</summary>
internal static class EventRateCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output)
    {
        var line = Arguments.Parse(args);
        var count = line.Int("events", 2_000_000);
        var subscribers = line.Int("subscribers", 1);
        var rounds = line.Int("rounds", 3);
        line.ThrowIfUnknown();

        await using var bus = new EventBus(1024);
        long handled = 0;
        long target = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < subscribers; i++)
        {
            bus.Subscribe(EventFilter.All, (_, _) =>
            {
                if (Interlocked.Increment(ref handled) == Volatile.Read(ref target))
                {
                    done.TrySetResult();
                }

                return ValueTask.CompletedTask;
            });
        }

        var transition = TaskLifecycle.Transition("wf-bench", "t1", TaskState.Ready, TaskTrigger.Start, 1, DateTimeOffset.UnixEpoch);
        for (var round = 1; round <= rounds; round++)
        {
            var events = new TaskEvent[count];
            for (var i = 0; i < count; i++)
            {
                events[i] = transition with { }; // a fresh, unpublished event each
            }

            // The round's events (hundreds of MB) are settled before the clock, so that a background collection of
            // the runner's own input does not take a core from the publisher and the subscriber during the round.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            Volatile.Write(ref handled, 0);
            Volatile.Write(ref target, (long)count * subscribers);
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            foreach (var @event in events)
            {
                await bus.PublishAsync(@event);
            }

            await done.Task;
            clock.Stop();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"eventrate round={round} events={count} subscribers={subscribers} events_per_s={count / clock.Elapsed.TotalSeconds:0} wall_ns_per_event={clock.Elapsed.TotalNanoseconds / count:0} cpu_ns_per_event={cpu.TotalNanoseconds / count:0} alloc_b_per_event={(double)allocated / count:0.0}"));
        }

        return ExitCodes.Ok;
    }
}

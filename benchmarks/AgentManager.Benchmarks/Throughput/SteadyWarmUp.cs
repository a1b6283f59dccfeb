using System.Diagnostics;
using System.Runtime;

namespace AgentManager.Benchmarks.Throughput;

/// <summary>Warms an engine up to the state of a long-running process: runs the workload's shape in rounds, each
/// followed by what a long-running host does between workloads (the engine forgets its finished work, a full
/// collection) and a pause until the JIT has compiled nothing for a while, and stops at the first round that, with
/// its pause, compiled at most <see cref="SettledMethods"/> methods.</summary>
/// <remarks>One round is not enough: the tiered JIT starts counting a method's calls only once no new method has been
/// compiled for 100 ms, needs 30 calls at each step, and with dynamic PGO takes two steps (instrumented, then final)
/// before a method reaches its optimized code. In a fresh process the engine's hot paths therefore run unoptimized
/// code through most of a first large run, whatever the engine.</remarks>
internal static class SteadyWarmUp
{
    /// <summary>The methods a round may compile and still count as settled.</summary>
    public const int SettledMethods = 20;

    /// <summary>The most rounds a warm-up runs before it gives up waiting for the JIT to settle.</summary>
    public const int MaxRounds = 12;

    private static readonly TimeSpan QuietFor = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(20);

    /// <summary>Runs warm-up rounds of <paramref name="round"/> and returns how many it ran.</summary>
    public static async Task<int> RunAsync(IThroughputEngine engine, Workload round, TextWriter log, CancellationToken cancellationToken)
    {
        for (var number = 1; ; number++)
        {
            var before = JitInfo.GetCompiledMethodCount();
            var clock = Stopwatch.StartNew();
            await engine.RunAsync(round, HopRecorder.For(round), cancellationToken);
            var ran = clock.Elapsed;
            await engine.ForgetFinishedAsync(cancellationToken);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await WaitForQuietJitAsync(cancellationToken);
            var compiled = JitInfo.GetCompiledMethodCount() - before;
            log.WriteLine($"{engine.Name}/{round.Kind.Name()}: warm-up round {number}, {round.Count} tasks in {ran.TotalSeconds:0.000} s, {compiled} methods compiled in the round and the pause after it");
            if (compiled <= SettledMethods)
            {
                return number;
            }

            if (number == MaxRounds)
            {
                log.WriteLine($"{engine.Name}/{round.Kind.Name()}: the JIT had not settled after {MaxRounds} warm-up rounds; timing anyway");
                return number;
            }
        }
    }

    /// <summary>Waits until the JIT has compiled nothing for <see cref="QuietFor"/> (tier-ups run on a background
    /// thread after the round), or <see cref="LongestPause"/> at most.</summary>
    private static async Task WaitForQuietJitAsync(CancellationToken cancellationToken)
    {
        var pause = Stopwatch.StartNew();
        var quiet = Stopwatch.StartNew();
        var count = JitInfo.GetCompiledMethodCount();
        while (quiet.Elapsed < QuietFor && pause.Elapsed < LongestPause)
        {
            await Task.Delay(PollEvery, cancellationToken);
            var now = JitInfo.GetCompiledMethodCount();
            if (now != count)
            {
                count = now;
                quiet.Restart();
            }
        }
    }
}

using System.Diagnostics;
using AgentManager.Benchmarks.Cli;

namespace AgentManager.Benchmarks.Throughput;

/// <summary><c>throughput --workload W --n N [--store memory|sqlite|postgres [--postgres CONN]] [--concurrency C] [--engine E]
/// [--hangfire-workers W] [--timeout S] [--no-warmup | [--steady] [--warmup-n N]] [--gc-log]</c>: runs one workload to
/// completion and prints one result line. The default warm-up (1,000 tasks of the same shape) leaves hundreds of
/// methods to the tiered JIT during the timed run, as a fresh process's first large run meets them; <c>--steady</c> warms
/// up in rounds until the JIT has settled, as in a long-running process (<see cref="SteadyWarmUp"/>). <c>--gc-log</c>
/// prints each collection of the timed run and its large object heap allocations (<see cref="GcLog"/>).</summary>
internal static class ThroughputCommand
{
    public const int DefaultConcurrency = 8;
    public const int DefaultTimeoutSeconds = 170;

    /// <summary>The environment variable that may hold the connection string of <c>--store postgres</c>.</summary>
    public const string PostgresVariable = "AGENTMANAGER_BENCH_POSTGRES";

    public static IReadOnlyList<string> Engines { get; } = ["agentmanager", "channels", "channels-journal", "hangfire"];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var line = Arguments.Parse(args);
        var engineName = line.Text("engine", "agentmanager");
        var kind = WorkloadKinds.Parse(line.Text("workload", "independent"));
        var count = line.Int("n", 100_000);
        var concurrency = line.Int("concurrency", DefaultConcurrency);
        var hangfireWorkers = line.Int("hangfire-workers", HangfireEngine.DefaultWorkers);
        var timeout = TimeSpan.FromSeconds(line.Int("timeout", DefaultTimeoutSeconds));
        var noWarmup = line.Switch("no-warmup");
        var steady = line.Switch("steady");
        var warmupCount = line.Int("warmup-n", 0);
        var store = line.Text("store", "memory");
        var postgres = line.Text("postgres", Environment.GetEnvironmentVariable(PostgresVariable) ?? "");
        var gcLog = line.Switch("gc-log");
        line.ThrowIfUnknown();
        if (noWarmup && (steady || warmupCount > 0))
        {
            throw new UsageException("--no-warmup cannot be combined with --steady or --warmup-n.");
        }

        if (store is not ("memory" or "sqlite" or "postgres"))
        {
            throw new UsageException($"Unknown store '{store}'; use memory, sqlite or postgres.");
        }

        if (store != "memory" && engineName != "agentmanager")
        {
            throw new UsageException($"--store {store} applies to the agentmanager engine only, not to '{engineName}'.");
        }

        if (store == "postgres" && postgres.Length == 0)
        {
            throw new UsageException($"--store postgres needs a connection string: --postgres CONN or {PostgresVariable}.");
        }

        var workload = Workload.Create(kind, count);
        await using var engine = engineName == "agentmanager" && store == "postgres"
            ? new AgentManagerEngine(concurrency, log, postgres: postgres)
            : CreateEngine(engineName, concurrency, log, sqlite: store == "sqlite", hangfireWorkers: hangfireWorkers);
        var result = new RunResult(engine.Name, kind.Name(), count);
        if (engine.Unsupported(workload) is { } reason)
        {
            log.WriteLine($"{engine.Name} cannot express the {kind.Name()} workload ({reason}): Hangfire.Core continuations wait for exactly one parent job; several parents need Hangfire.Pro batches.");
            output.WriteLine(result with { Unsupported = reason });
            return ExitCodes.Ok;
        }

        using var collections = gcLog ? new GcLog() : null;
        Action? beforeTimedRun = null;
        if (collections is not null)
        {
            beforeTimedRun = collections.Begin;
            if (engine is AgentManagerEngine phases)
            {
                phases.CreateCalled = () => collections.Mark("CreateAsync called");
                phases.CreateReturned = () => collections.Mark("CreateAsync returned");
            }
        }

        var warmUp = noWarmup ? null : new WarmUp(warmupCount, steady);
        result = await MeasureAsync(engine, workload, warmUp, timeout, log, beforeTimedRun) with { Store = store == "memory" ? null : store };
        if (collections is not null)
        {
            collections.End(log);
            // What the engine and its store still hold once the run is over (the runner keeps nothing of it).
            log.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"kept after the run (engine and store, after a full collection): {GC.GetTotalMemory(forceFullCollection: true) / 1048576.0:0.0} MB"));
        }

        output.WriteLine(result);
        return result.Error is null ? ExitCodes.Ok : ExitCodes.RunFailed;
    }

    /// <summary>Makes an engine: <paramref name="concurrency"/> is the agentmanager engine's <c>MaxConcurrency</c> and the
    /// channels dispatchers' worker count; Hangfire runs <paramref name="hangfireWorkers"/> workers (see
    /// <see cref="HangfireEngine.DefaultWorkers"/>).</summary>
    public static IThroughputEngine CreateEngine(string name, int concurrency, TextWriter? log = null, bool sqlite = false, int hangfireWorkers = 0) => name switch
    {
        "agentmanager" => new AgentManagerEngine(concurrency, log, sqlite),
        "channels" => new ChannelsEngine(concurrency),
        "channels-journal" => new ChannelsEngine(concurrency, journal: true),
        "hangfire" => new HangfireEngine(hangfireWorkers > 0 ? hangfireWorkers : HangfireEngine.DefaultWorkers),
        _ => throw new UsageException($"Unknown engine '{name}'; use one of {string.Join(", ", Engines)}."),
    };

    /// <summary>Starts the engine, warms it up on workloads of the same shape (none when <paramref name="warmUp"/> is
    /// <see langword="null"/>), then times the run.</summary>
    public static async Task<RunResult> MeasureAsync(IThroughputEngine engine, Workload workload, WarmUp? warmUp, TimeSpan timeout, TextWriter log, Action? beforeTimedRun = null)
    {
        var result = new RunResult(engine.Name, workload.Kind.Name(), workload.Count);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await engine.StartAsync(cancel.Token).WaitAsync(timeout);
            int? rounds = null;
            if (warmUp is not null)
            {
                var small = Workload.Create(workload.Kind, warmUp.SizeFor(workload));
                if (warmUp.Steady)
                {
                    rounds = await SteadyWarmUp.RunAsync(engine, small, log, cancel.Token).WaitAsync(timeout);
                }
                else
                {
                    await engine.RunAsync(small, HopRecorder.For(small), cancel.Token).WaitAsync(timeout);
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }
            }

            var hops = HopRecorder.For(workload);
            beforeTimedRun?.Invoke();
            int[] collectionsBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
            var pauseBefore = GC.GetTotalPauseDuration();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var jitBefore = (Methods: System.Runtime.JitInfo.GetCompiledMethodCount(), Time: System.Runtime.JitInfo.GetCompilationTime());
            var clock = Stopwatch.StartNew();
            await engine.RunAsync(workload, hops, cancel.Token).WaitAsync(timeout);
            clock.Stop();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            log.WriteLine($"{engine.Name}/{workload.Kind.Name()}: {workload.Count} tasks, {workload.EdgeCount} dependencies, {clock.Elapsed.TotalSeconds:0.000} s, {allocated / 1048576.0:0.0} MB allocated, GCs gen0/1/2 = {GC.CollectionCount(0) - collectionsBefore[0]}/{GC.CollectionCount(1) - collectionsBefore[1]}/{GC.CollectionCount(2) - collectionsBefore[2]}, GC pause {(GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds:0} ms, JIT {System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore.Methods} methods in {(System.Runtime.JitInfo.GetCompilationTime() - jitBefore.Time).TotalMilliseconds:0} ms (during the timed run)");
            if (hops is not null)
            {
                log.WriteLine($"{engine.Name}/{workload.Kind.Name()}: {hops.Describe()}");
            }

            return result with
            {
                Seconds = clock.Elapsed.TotalSeconds,
                PeakRssMegabytes = ProcessMemory.PeakRssMegabytes(),
                MedianHopMicroseconds = hops?.MedianHopMicroseconds(),
                AllocatedBytesPerTask = (double)allocated / workload.Count,
                CpuSeconds = cpu.TotalSeconds,
                WarmupRounds = rounds,
            };
        }
        catch (TimeoutException)
        {
            log.WriteLine($"{engine.Name}/{workload.Kind.Name()}: no result within {timeout.TotalSeconds:0} s.");
            return result with { Error = "timeout", PeakRssMegabytes = ProcessMemory.PeakRssMegabytes() };
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            log.WriteLine($"{engine.Name}/{workload.Kind.Name()}: no result within {timeout.TotalSeconds:0} s.");
            return result with { Error = "timeout", PeakRssMegabytes = ProcessMemory.PeakRssMegabytes() };
        }
    }
}

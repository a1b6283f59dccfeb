using System.Globalization;
using AgentManager.Benchmarks.Cli;
using AgentManager.Benchmarks.Throughput;

namespace AgentManager.Benchmarks.Profiling;

/// <summary><c>profile [--engine E] [--workload W] [--n N] [--concurrency C] [--top K] [--attempts A] [--phase run|create|after-create]</c>:
/// one throughput run with allocation sampling, printing its result line and the types that take most of the allocated
/// bytes, over the whole timed run or (agentmanager) only its create phase, or only what follows it (start, run and summary). With <c>--attempts</c> A above 1
/// (agentmanager only) every task fails A − 1 attempts before it passes, each retried at once.</summary>
internal static class ProfileCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var line = Arguments.Parse(args);
        var engineName = line.Text("engine", "agentmanager");
        var kind = WorkloadKinds.Parse(line.Text("workload", "independent"));
        var count = line.Int("n", 100_000);
        var concurrency = line.Int("concurrency", ThroughputCommand.DefaultConcurrency);
        var top = line.Int("top", 20);
        var attempts = line.Int("attempts", 1);
        var phase = line.Text("phase", "run");
        line.ThrowIfUnknown();
        if (attempts < 1 || (attempts > 1 && engineName != "agentmanager"))
        {
            throw new UsageException($"--attempts is {attempts}; it must be at least 1, and above 1 only with the agentmanager engine.");
        }

        if (phase is not ("run" or "create" or "after-create"))
        {
            throw new UsageException($"--phase {phase}: expected run (the whole timed run), create (agentmanager's CreateAsync) or after-create (what follows it).");
        }

        var workload = Workload.Create(kind, count);
        await using var engine = attempts > 1 ? new AgentManagerEngine(concurrency, log, attempts: attempts) : ThroughputCommand.CreateEngine(engineName, concurrency, log);
        if (engine.Unsupported(workload) is { } reason)
        {
            throw new UsageException($"{engine.Name} cannot run the {kind.Name()} workload: {reason}.");
        }

        var creating = engine as AgentManagerEngine;
        if (phase != "run" && creating is null)
        {
            throw new UsageException($"--phase {phase} is for the agentmanager engine, not {engine.Name}.");
        }

        using var allocations = new AllocationListener();
        void BeforeTimedRun()
        {
            allocations.Reset();
            if (phase == "create")
            {
                creating!.CreateCalled = () =>
                {
                    AllocationListener.LetSamplesArrive();
                    allocations.Reset();
                };
                creating.CreateReturned = () =>
                {
                    AllocationListener.LetSamplesArrive();
                    allocations.Stop();
                };
            }
            else if (phase == "after-create")
            {
                creating!.CreateReturned = () =>
                {
                    AllocationListener.LetSamplesArrive();
                    allocations.Reset();
                };
            }
        }

        var result = await ThroughputCommand.MeasureAsync(
            engine, workload, new WarmUp(), TimeSpan.FromSeconds(ThroughputCommand.DefaultTimeoutSeconds), log, beforeTimedRun: BeforeTimedRun);
        output.WriteLine(result);
        var total = allocations.TotalBytes;
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Allocations sampled by type (GCAllocationTick, ~100 KB per sample){phase switch { "create" => " in CreateAsync", "after-create" => " after CreateAsync", _ => "" }}, {total / 1048576.0:0} MB in all, {(double)total / count:0} B per task ({attempts} attempt(s) each):"));
        output.WriteLine();
        output.WriteLine("| type | share | ≈ B per task |");
        output.WriteLine("|---|---:|---:|");
        foreach (var (type, bytes, _) in allocations.Top(top))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `{type}` | {100.0 * bytes / total:0.0}% | {(double)bytes / count:0} |"));
        }

        return result.Error is null ? ExitCodes.Ok : ExitCodes.RunFailed;
    }
}

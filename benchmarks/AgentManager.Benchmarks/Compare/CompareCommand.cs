using System.Globalization;
using AgentManager.Benchmarks.Cli;
using AgentManager.Benchmarks.Throughput;

namespace AgentManager.Benchmarks.Compare;

/// <summary><c>compare [--n N] [--chain-n N] [--runs R] [--concurrency C] [--hangfire-workers W] [--workloads a,b]
/// [--engines a,b] [--timeout S] [--steady] [--warmup-n N]</c>: runs every engine on every workload, each run in its own process, keeps
/// the best of R runs and prints a Markdown table with ratios against the bare channels dispatcher. <c>--steady</c> and
/// <c>--warmup-n</c> give every engine the same warm-up (see <see cref="WarmUp"/>).</summary>
internal static class CompareCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var line = Arguments.Parse(args);
        var count = line.Int("n", 100_000);
        var chainCount = line.Int("chain-n", 10_000);
        var runs = line.Int("runs", 1);
        var concurrency = line.Int("concurrency", ThroughputCommand.DefaultConcurrency);
        var hangfireWorkers = line.Int("hangfire-workers", HangfireEngine.DefaultWorkers);
        var timeout = line.Int("timeout", ThroughputCommand.DefaultTimeoutSeconds);
        var workloads = line.Text("workloads", "independent,tree,chain,layers").Split(',').Select(WorkloadKinds.Parse).ToArray();
        var engines = line.Text("engines", "channels,channels-journal,agentmanager,hangfire").Split(',');
        var warmUp = new WarmUp(line.Int("warmup-n", 0), line.Switch("steady"));
        line.ThrowIfUnknown();
        foreach (var engine in engines)
        {
            _ = ThroughputCommand.CreateEngine(engine, 1);
        }

        var rows = new List<ResultLine?>();
        var ranges = new Dictionary<ResultLine, RunRates>();
        var failed = false;
        foreach (var workload in workloads)
        {
            var n = workload == WorkloadKind.Chain ? chainCount : count;
            foreach (var engine in engines)
            {
                ResultLine? best = null;
                var rates = new List<double>();
                for (var run = 1; run <= runs; run++)
                {
                    string[] childArgs = ["throughput", "--engine", engine, "--workload", workload.Name(), "--n", N(n), "--concurrency", N(concurrency), "--hangfire-workers", N(hangfireWorkers), "--timeout", N(timeout), .. WarmUpArguments(warmUp)];
                    log.WriteLine($"[{engine} {workload.Name()} n={n} run {run}/{runs}]");
                    var (exitCode, text) = await ChildRunner.RunAsync(childArgs, TimeSpan.FromSeconds(timeout + 30), log);
                    var result = ResultLine.Find(text);
                    log.WriteLine("  " + (result?.Text ?? $"no result line (exit code {exitCode})"));
                    failed |= exitCode != ExitCodes.Ok;
                    if (result?.Number("tasks_per_s") is { } rate && result["error"] is null)
                    {
                        rates.Add(rate);
                    }

                    if (result?["unsupported"] is not null)
                    {
                        best = result;
                        break;
                    }

                    if (best?.Number("tasks_per_s") is not { } bestRate || result?.Number("tasks_per_s") > bestRate)
                    {
                        best = result ?? best;
                    }
                }

                rows.Add(best);
                if (best is not null && rates.Count > 0)
                {
                    ranges[best] = RunRates.Of(rates);
                }
            }
        }

        output.WriteLine(ComparisonTable.Format(rows.OfType<ResultLine>().ToList(), ranges, runs, concurrency, hangfireWorkers, warmUp));
        return failed ? ExitCodes.RunFailed : ExitCodes.Ok;
    }

    private static string[] WarmUpArguments(WarmUp warmUp) =>
        [.. (warmUp.Steady ? (string[])["--steady"] : []), .. (warmUp.Count > 0 ? (string[])["--warmup-n", N(warmUp.Count)] : [])];

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Text;
using AgentManager.Benchmarks.Throughput;

namespace AgentManager.Benchmarks.Compare;

/// <summary>Formats compare results as a Markdown table, with each engine's rate as a ratio of the
/// channels dispatcher's, of the channels dispatcher with a journal of every move, and of Hangfire's on the same
/// workload (best run against best run, and median against median: the runs of one cell spread widely, and the
/// best of each engine is its luckiest).</summary>
internal static class ComparisonTable
{
    /// <param name="rows">The best run of each cell.</param>
    /// <param name="ranges">The tasks/s of each cell's runs, by the best run's line.</param>
    /// <param name="runs">How many runs each cell had.</param>
    /// <param name="concurrency">The concurrency of the agentmanager and channels runs.</param>
    /// <param name="hangfireWorkers">Hangfire's worker count.</param>
    /// <param name="warmUp">The warm-up every run had.</param>
    public static string Format(IReadOnlyList<ResultLine> rows, IReadOnlyDictionary<ResultLine, RunRates> ranges, int runs, int concurrency, int hangfireWorkers, WarmUp warmUp)
    {
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Best of {runs} run(s) per cell, concurrency {concurrency} (Hangfire: {hangfireWorkers} worker{(hangfireWorkers == 1 ? "" : "s")}), {warmUp.Describe()}, each run in a fresh process.");
        table.AppendLine();
        table.AppendLine("| workload | n | engine | seconds | tasks/s | tasks/s, all runs | vs channels | vs channels-journal | vs hangfire | vs hangfire, medians | CPU s | peak RSS MB | alloc B/task | median hop µs |");
        table.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var workload = row["workload"];
            if (row["unsupported"] is { } reason)
            {
                table.AppendLine(CultureInfo.InvariantCulture, $"| {workload} | {row["n"]} | {row["engine"]} | unsupported: {reason} | | | | | | | | | | |");
                continue;
            }

            if (row["error"] is { } error)
            {
                table.AppendLine(CultureInfo.InvariantCulture, $"| {workload} | {row["n"]} | {row["engine"]} | failed: {error} | | | | | | | | {row["peak_rss_mb"]} | | |");
                continue;
            }

            var rate = row.Number("tasks_per_s") ?? 0;
            var range = ranges.TryGetValue(row, out var r) ? $"{r.Low:N0}–{r.High:N0}" : "";
            var medians = r is null ? "–" : Ratio(r.Median, MedianOf(rows, ranges, workload, "hangfire"));
            table.AppendLine(CultureInfo.InvariantCulture, $"| {workload} | {row["n"]} | {row["engine"]} | {row["seconds"]} | {rate:N0} | {range} | {Ratio(rate, RateOf(rows, workload, "channels"))} | {Ratio(rate, RateOf(rows, workload, "channels-journal"))} | {Ratio(rate, RateOf(rows, workload, "hangfire"))} | {medians} | {row["cpu_s"]} | {row["peak_rss_mb"]} | {row["alloc_b_per_task"]} | {row["median_hop_us"] ?? ""} |");
        }

        return table.ToString();
    }

    private static double? RateOf(IReadOnlyList<ResultLine> rows, string? workload, string engine) =>
        rows.FirstOrDefault(r => r["workload"] == workload && r["engine"] == engine)?.Number("tasks_per_s");

    private static double? MedianOf(IReadOnlyList<ResultLine> rows, IReadOnlyDictionary<ResultLine, RunRates> ranges, string? workload, string engine) =>
        rows.FirstOrDefault(r => r["workload"] == workload && r["engine"] == engine) is { } row && ranges.TryGetValue(row, out var rates) ? rates.Median : null;

    private static string Ratio(double rate, double? baseline) =>
        baseline is > 0 ? (rate / baseline.Value).ToString(rate / baseline.Value < 0.1 ? "0.000x" : "0.00x", CultureInfo.InvariantCulture) : "–";
}

using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Metrology;

namespace AgentManager.Benchmarks.Micro;

/// <summary><c>bench [--smoke] [BenchmarkDotNet options]</c>: runs the micro benchmarks in process with
/// the memory diagnoser. The default job is BenchmarkDotNet's ShortRun (3 warm-ups, 3 iterations);
/// <c>--smoke</c> runs each benchmark once (the Dry job), to check that the suite starts and finishes. Allocated
/// memory is shown in bytes.</summary>
internal static class BenchCommand
{
    public static int Run(IReadOnlyList<string> args)
    {
        var smoke = args.Contains("--smoke");
        var rest = args.Where(a => a != "--smoke").ToList();
        if (!rest.Contains("--filter") && !rest.Contains("-f") && !rest.Contains("--list"))
        {
            rest.AddRange(["--filter", "*"]);
        }

        var job = (smoke ? Job.Dry : Job.ShortRun).WithToolchain(InProcessEmitToolchain.Instance);
        var config = DefaultConfig.Instance
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithSummaryStyle(SummaryStyle.Default.WithSizeUnit(SizeUnit.B)) // bytes, not rounded kilobytes
            .WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchCommand).Assembly).Run([.. rest], config).ToList();
        var failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        return failed ? 1 : 0;
    }
}

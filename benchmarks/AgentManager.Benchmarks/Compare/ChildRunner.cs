using System.Diagnostics;
using System.Reflection;

namespace AgentManager.Benchmarks.Compare;

/// <summary>Runs this program again as a child process, so that every measurement has a fresh process
/// and its own peak RSS.</summary>
internal static class ChildRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyList<string> args, TimeSpan limit, TextWriter log)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            await child.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(CancellationToken.None);
            log.WriteLine($"  killed after {limit.TotalSeconds:0} s: {string.Join(' ', args)}");
        }

        var errors = (await stderr).TrimEnd();
        if (errors.Length > 0)
        {
            log.WriteLine("  " + errors.Replace("\n", "\n  ", StringComparison.Ordinal));
        }

        return (child.ExitCode, await stdout);
    }
}

using System.Diagnostics;

namespace AgentManager.Samples.Tests;

/// <summary>The console sample running as a child process, with its standard error collected line by line.</summary>
internal sealed class ConsoleSession : IAsyncDisposable
{
    /// <summary>A safety net against hangs only; no assertion depends on timing.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly List<string> _output = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConsoleSession(params string[] args)
    {
        _process = Process.Start(StartInfo(args))!;
        _process.ErrorDataReceived += (_, e) => Add(_lines, e.Data);
        _process.OutputDataReceived += (_, e) => Add(_output, e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    /// <summary>How to start the console sample built next to the tests, with both streams redirected.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "agentmanager-console.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>Gets the lines of standard output so far.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_lock)
            {
                return [.. _output];
            }
        }
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Waits for the first line of standard error from <paramref name="from"/> on that matches, and
    /// returns its index.</summary>
    public Task<int> WaitForLineAsync(Func<string, bool> match, int from = 0, string? what = null) =>
        WaitForAsync(_lines, match, from, what);

    /// <summary>Waits for a line of standard output that matches.</summary>
    public Task<int> WaitForOutputAsync(Func<string, bool> match, string? what = null) =>
        WaitForAsync(_output, match, 0, what);

    private async Task<int> WaitForAsync(List<string> lines, Func<string, bool> match, int from, string? what)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                for (var i = from; i < lines.Count; i++)
                {
                    if (match(lines[i]))
                    {
                        return i;
                    }
                }

                changed = _changed.Task;
            }

            // Exiting completes only once both streams are read to their end.
            var exited = _process.WaitForExitAsync();
            try
            {
                await Task.WhenAny(changed, exited).WaitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Gave up waiting for {what ?? "a line"}; output so far:\n{string.Join('\n', Lines)}");
            }

            if (exited.IsCompleted)
            {
                lock (_lock)
                {
                    if (!lines.Skip(from).Any(match))
                    {
                        Assert.Fail($"The process exited ({_process.ExitCode}) before {what ?? "the line"}; output:\n{string.Join('\n', lines)}");
                    }
                }
            }
        }
    }

    /// <summary>Sends SIGTERM, as a service manager does, and waits for the process to exit.</summary>
    public async Task<(int Code, string Stdout)> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }

        using var patience = new CancellationTokenSource(Patience);
        await _process.WaitForExitAsync(patience.Token); // also waits for the end of both streams
        return (_process.ExitCode, string.Join('\n', Output));
    }

    private void Add(List<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        TaskCompletionSource changed;
        lock (_lock)
        {
            lines.Add(line);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

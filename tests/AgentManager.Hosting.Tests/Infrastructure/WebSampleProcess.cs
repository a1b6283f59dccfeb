using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace AgentManager.Tests.Infrastructure;

/// <summary>The web sample as its own process, as <c>dotnet run --project samples/AgentManager.Samples.Web -- --urls
/// http://127.0.0.1:0</c> starts it: on a free port (the OS picks it; the sample logs it), with its data in a
/// directory of the test's own. Disposing stops the process and deletes the directory.</summary>
internal sealed partial class WebSampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WebSampleProcess(Process process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>Starts the sample with extra configuration (<c>Key=value</c>) and waits until it listens.</summary>
    public static async Task<WebSampleProcess> StartAsync(params string[] settings)
    {
        var data = Directory.CreateTempSubdirectory("agentmanager-web-sample-process").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = data,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "agentmanager-web.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.ArgumentList.Add($"--AgentManager:DataDirectory={data}");
        foreach (var setting in settings)
        {
            start.ArgumentList.Add("--" + setting);
        }

        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        var sample = new WebSampleProcess(Process.Start(start)!, data);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        sample._process.OutputDataReceived += (_, line) => sample.OnLine(line.Data, listening);
        sample._process.ErrorDataReceived += (_, line) => sample.OnLine(line.Data, listening);
        sample._process.BeginOutputReadLine();
        sample._process.BeginErrorReadLine();
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        if (await Task.WhenAny(listening.Task, sample._process.WaitForExitAsync(patience.Token)) != listening.Task)
        {
            await sample.DisposeAsync();
            throw new InvalidOperationException("The web sample exited or did not start listening:" + Environment.NewLine + sample.Output);
        }

        sample.BaseAddress = await listening.Task;
        sample.Client = new HttpClient { BaseAddress = sample.BaseAddress };
        return sample;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void OnLine(string? line, TaskCompletionSource<Uri> listening)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (Listening().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
        Directory.Delete(DataDirectory, recursive: true);
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}

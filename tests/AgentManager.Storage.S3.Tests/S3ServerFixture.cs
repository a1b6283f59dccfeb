using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;

namespace AgentManager.Storage.S3.Tests;

/// <summary>A real S3-compatible server for the tests of this assembly: <c>tools/services/s3/launcher.js</c>
/// (s3rver behind a launcher that repairs how it reads AWS SDK v4 requests), started once, on a free loopback
/// port, and stopped at the end. Its npm packages are installed first when missing; a machine without node
/// or npm fails the tests with the command to run, it never skips them.</summary>
public sealed class S3ServerFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    private readonly StringBuilder _errors = new();
    private Process? _process;
    private string? _dataDirectory;

    /// <summary>Gets the port the server listens on, on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>Gets a client of the server with the SDK's defaults (chunked, checksummed uploads).</summary>
    public IAmazonS3 Client { get; private set; } = null!;

    /// <summary>Gets the server's address.</summary>
    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    public async Task InitializeAsync()
    {
        var serviceDirectory = FindServiceDirectory();
        await EnsureInstalledAsync(serviceDirectory);
        _dataDirectory = Path.Combine(Path.GetTempPath(), "agentmanager-s3-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--openssl-legacy-provider", Path.Combine(serviceDirectory, "launcher.js"), _dataDirectory, "0", "--exit-on-stdin-close" })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("The S3 tests need node (v18 or newer) on the PATH to run tools/services/s3/launcher.js.", ex);
        }

        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_errors)
            {
                _errors.AppendLine(e.Data);
            }
        };
        _process.BeginErrorReadLine();
        Port = await WaitForReadyAsync(_process);
        Client = NewClient();
    }

    /// <summary>Creates a client of the server with the SDK's defaults.</summary>
    public IAmazonS3 NewClient() => new AmazonS3Client(
        new BasicAWSCredentials("S3RVER", "S3RVER"),
        new AmazonS3Config { ServiceURL = ServiceUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    /// <summary>Creates a bucket with a name no other test uses.</summary>
    public async Task<string> CreateBucketAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N");
        await Client.PutBucketAsync(name);
        return name;
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        string? crash = null;
        if (_process is not null)
        {
            if (_process.HasExited)
            {
                crash = $"The S3 test server stopped during the tests (exit code {_process.ExitCode}); tests that failed to connect failed for that reason. Its errors:\n{Errors()}";
            }

            try
            {
                _process.StandardInput.Close();
                if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
                {
                    _process.Kill(entireProcessTree: true);
                }

                await _process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            _process.Dispose();
        }

        if (_dataDirectory is not null && Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }

        if (crash is not null)
        {
            throw new InvalidOperationException(crash);
        }
    }

    private static string FindServiceDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tools", "services", "s3");
            if (File.Exists(Path.Combine(candidate, "launcher.js")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"tools/services/s3/launcher.js was not found above '{AppContext.BaseDirectory}'.");
    }

    private static async Task EnsureInstalledAsync(string serviceDirectory)
    {
        if (File.Exists(Path.Combine(serviceDirectory, "node_modules", "s3rver", "package.json")))
        {
            return;
        }

        var command = $"npm install --prefix {serviceDirectory} --no-audit --no-fund";
        var start = new ProcessStartInfo("npm") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "install", "--prefix", serviceDirectory, "--no-audit", "--no-fund" })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var npm = Process.Start(start) ?? throw new InvalidOperationException($"'{command}' did not start.");
            var output = npm.StandardOutput.ReadToEndAsync();
            var errors = npm.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(InstallTimeout);
            await npm.WaitForExitAsync(timeout.Token);
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"'{command}' failed with exit code {npm.ExitCode}; the S3 tests need it:\n{await output}\n{await errors}");
            }
        }
        catch (Exception ex) when (ex is Win32Exception or OperationCanceledException)
        {
            throw new InvalidOperationException($"The S3 tests need the test server's packages; run '{command}' (it needs npm and the npm registry).", ex);
        }
    }

    private async Task<int> WaitForReadyAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("S3 READY ", StringComparison.Ordinal))
                {
                    // Keep draining stdout so the server never blocks on a full pipe.
                    _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                    return int.Parse(line["S3 READY ".Length..], System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The S3 test server printed no 'S3 READY <port>' line within {StartTimeout.TotalSeconds} s. Its errors:\n{Errors()}");
        }

        await process.WaitForExitAsync();
        throw new InvalidOperationException($"The S3 test server exited with code {process.ExitCode} before it was ready. Its errors:\n{Errors()}");
    }

    private string Errors()
    {
        lock (_errors)
        {
            return _errors.ToString();
        }
    }
}

/// <summary>The tests that share the S3 test server; they run one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class S3ServerGroup : ICollectionFixture<S3ServerFixture>
{
    public const string Name = "S3 server";
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace AgentManager.Storage.Redis.Tests;

/// <summary>A real Redis server for the tests: the one named by <c>AGENTMANAGER_TEST_REDIS</c> (a StackExchange.Redis
/// configuration string), or else a throw-away <c>redis-server</c> that this fixture starts on a free loopback port,
/// without persistence, and kills at the end. It never skips: without either, every test fails saying why.</summary>
public sealed class RedisServer : IAsyncLifetime
{
    public const string ConfigurationVariable = "AGENTMANAGER_TEST_REDIS";

    private RedisProcess? _process;

    /// <summary>Gets the configuration string of the server.</summary>
    public string Configuration { get; private set; } = "";

    /// <summary>Gets a connection the tests use to look at the streams and to write entries of their own.</summary>
    public IConnectionMultiplexer Connection { get; private set; } = null!;

    public IDatabase Database => Connection.GetDatabase();

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(ConfigurationVariable) is { Length: > 0 } given)
        {
            Configuration = given;
        }
        else
        {
            var port = FreePort();
            _process = await RedisProcess.StartAsync(port);
            Configuration = $"127.0.0.1:{port}";
        }

        Connection = await ConnectionMultiplexer.ConnectAsync(Configuration);
    }

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    /// <summary>A stream key no other test uses.</summary>
    public static string NewStreamKey() => "test:" + Guid.NewGuid().ToString("N");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One <c>redis-server</c> process on a loopback port, with no persistence, in a temporary directory.</summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private RedisProcess(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    public static async Task<RedisProcess> StartAsync(int port)
    {
        var program = FindServer() ?? throw new InvalidOperationException(
            $"No Redis server for the tests: set {RedisServer.ConfigurationVariable} to a StackExchange.Redis configuration string, or install redis-server (Debian: apt-get install redis-server).");
        var directory = Directory.CreateTempSubdirectory("agentmanager-redis-").FullName;
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (var argument in (string[])["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", directory])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisProcess(process, directory);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                await server.DisposeAsync();
                lock (output)
                {
                    throw new InvalidOperationException($"redis-server exited with {process.ExitCode} on port {port}: {output}");
                }
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(50);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static string? FindServer()
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/bin", "/usr/sbin", "/usr/local/bin"]);
        return directories.Select(d => Path.Combine(d, "redis-server")).FirstOrDefault(File.Exists);
    }
}

[CollectionDefinition(Name)]
public sealed class RedisTestGroup : ICollectionFixture<RedisServer>
{
    public const string Name = "redis";
}

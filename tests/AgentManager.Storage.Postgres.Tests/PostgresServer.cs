using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AgentManager.Storage.Postgres.Tests;

/// <summary>A real PostgreSQL server for the tests: the one named by <c>AGENTMANAGER_TEST_POSTGRES</c> (a connection
/// string), or else a throw-away cluster that this fixture creates with the machine's <c>initdb</c> in a temporary
/// directory and starts on a free loopback port. It never skips: without either, every test fails saying why.</summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string ConnectionVariable = "AGENTMANAGER_TEST_POSTGRES";

    private const string DirectoryPrefix = "agentmanager-pg-";

    private string? _directory;
    private string? _binaries;

    /// <summary>Gets the connection string of the server's <c>postgres</c> database.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } given)
        {
            ConnectionString = given;
            return;
        }

        _binaries = FindBinaries() ?? throw new InvalidOperationException(
            $"No PostgreSQL server for the tests: set {ConnectionVariable} to a connection string, or install PostgreSQL 15 (Debian: apt-get install postgresql-15) so that initdb is found.");
        RemoveStaleClusters();
        _directory = Directory.CreateTempSubdirectory(DirectoryPrefix).FullName;
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // initdb and postgres refuse to run as root: the cluster belongs to the postgres user.
            await RunAsync("chown", ["postgres:postgres", _directory], asPostgres: false);
        }

        var port = FreePort();
        var data = Path.Combine(_directory, "data");
        await RunAsync(Path.Combine(_binaries, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], asRoot);
        await RunAsync(
            Path.Combine(_binaries, "pg_ctl"),
            ["-D", data, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "-o",
             $"-p {port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
             "start"],
            asRoot);
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Maximum Pool Size=20";
    }

    public async System.Threading.Tasks.Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_directory is null || _binaries is null)
        {
            return;
        }

        try
        {
            await RunAsync(Path.Combine(_binaries, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"], Environment.UserName == "root");
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>A schema name no other test uses: each store under test gets its own.</summary>
    /// <summary>Runs SQL on a connection of its own and returns the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N");

    /// <summary>Deletes the clusters of earlier test processes that ended before their cleanup did (a test host is
    /// stopped soon after its last test): a cluster whose server is not running and that nothing touched for an hour.</summary>
    private static void RemoveStaleClusters()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            try
            {
                if (!File.Exists(Path.Combine(directory, "data", "postmaster.pid"))
                    && Directory.GetLastWriteTimeUtc(directory) < TimeProvider.System.GetUtcNow().UtcDateTime.AddHours(-1))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Another process may be deleting it too; it is only a temporary directory.
            }
        }
    }

    private static string? FindBinaries()
    {
        var candidates = new List<string>();
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            foreach (var argument in (string[])["-u", "postgres", "--", program])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{program} {string.Join(' ', arguments)}' exited with {process.ExitCode}: {await error}{await output}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresTestGroup : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

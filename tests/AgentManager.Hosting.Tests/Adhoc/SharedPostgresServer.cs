using AgentManager.Storage.Postgres.Tests;

namespace AgentManager.Tests.Adhoc;

/// <summary>The PostgreSQL server of this test assembly's shared-store tests: started by the first test that needs it,
/// stopped when the test process exits (xunit 2 has no assembly fixtures).</summary>
internal static class SharedPostgresServer
{
    private static readonly Lazy<PostgresServer> Server = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string ConnectionString() => Server.Value.ConnectionString;

    private static PostgresServer Start()
    {
        var server = new PostgresServer();
        server.InitializeAsync().GetAwaiter().GetResult();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().GetAwaiter().GetResult();
        return server;
    }
}

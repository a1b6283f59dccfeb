using AgentManager.Tests.Schedules;
using AgentManager.Tests.Workflows;

namespace AgentManager.Storage.Postgres.Tests;

/// <summary>The schedule tests of several hosts on one store, with each host on its own connection pool to one
/// PostgreSQL schema.</summary>
[Collection(PostgresTestGroup.Name)]
public sealed class PostgresScheduleHostsTests(PostgresServer server) : SharedStoreScheduleTests
{
    internal override ISharedStore CreateShared() => new SharedSchema(server);
}

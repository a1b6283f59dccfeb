using AgentManager.Tests.Workflows;

namespace AgentManager.Storage.Postgres.Tests;

/// <summary>The lease tests of several engines on one store, with each engine on its own connection pool to one
/// PostgreSQL schema, as separate hosts would be.</summary>
[Collection(PostgresTestGroup.Name)]
public sealed class PostgresLeaseTests(PostgresServer server) : SharedStoreLeaseTests
{
    internal override ISharedStore CreateShared() => new SharedSchema(server);
}

using AgentManager.Tests.Workflows;

namespace AgentManager.Storage.Postgres.Tests;

/// <summary>The outbox tests (an engine killed between a commit and the publishing of its events) on PostgreSQL.</summary>
[Collection(PostgresTestGroup.Name)]
public sealed class PostgresOutboxTests(PostgresServer server) : OutboxTests
{
    internal override ISharedStore CreateShared() => new SharedSchema(server);
}

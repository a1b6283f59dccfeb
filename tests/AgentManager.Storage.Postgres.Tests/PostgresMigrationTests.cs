using AgentManager.Persistence;
using Npgsql;

namespace AgentManager.Storage.Postgres.Tests;

[Collection(PostgresTestGroup.Name)]
public sealed class PostgresMigrationTests(PostgresServer server) : IAsyncLifetime
{
    private readonly List<PostgresDatabase> _databases = [];

    private PostgresStateStore Open(string schema)
    {
        var database = new PostgresDatabase(NpgsqlDataSource.Create(server.ConnectionString), schema, ownsDataSource: true);
        _databases.Add(database);
        return new PostgresStateStore(database);
    }

    private Task<object?> ScalarAsync(string sql) => server.ScalarAsync(sql);

    /// <summary>Hosts starting together on a new schema: each finds it ready, and each script ran once.</summary>
    [Fact]
    public async Task FirstUse_ManyHostsAtOnce_CreateTheSchemaOnce()
    {
        var schema = PostgresServer.NewSchema();

        var lists = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => Open(schema).ListWorkflowsAsync(CancellationToken.None))));

        Assert.All(lists, Assert.Empty);
        Assert.Equal((long)PostgresMigrations.CurrentVersion, await ScalarAsync($"SELECT count(*) FROM \"{schema}\".schema_migrations"));
        Assert.Equal(PostgresMigrations.CurrentVersion, await ScalarAsync($"SELECT max(version) FROM \"{schema}\".schema_migrations"));
    }

    [Fact]
    public async Task FirstUse_SchemaFromANewerVersion_IsRefusedNamingBothVersions()
    {
        var schema = PostgresServer.NewSchema();
        await ScalarAsync($"CREATE SCHEMA \"{schema}\"; CREATE TABLE \"{schema}\".schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now()); INSERT INTO \"{schema}\".schema_migrations (version) VALUES (99);");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Open(schema).GetWorkflowAsync("x", CancellationToken.None));

        Assert.Contains($"'{schema}' has version 99, newer than {PostgresMigrations.CurrentVersion}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(DBNull.Value, await ScalarAsync($"SELECT to_regclass('\"{schema}\".workflows')::text"));
    }

    /// <summary>A schema at version 2 gets the index of running workflows, and its workflows are found by the takeover query.</summary>
    [Fact]
    public async Task FirstUse_Version2Schema_IndexesItsRunningWorkflowsAndListsTheUnheldOnes()
    {
        var schema = PostgresServer.NewSchema();
        var quoted = $"\"{schema}\"";
        await ScalarAsync($$"""
            {{EarlierSchema.Sql(schema, 2)}}
            INSERT INTO {{quoted}}.workflows (workflow_id, status, created_ticks, created_offset, metadata, input_tokens, output_tokens, cost, lease_owner, lease_expires_ticks, lease_expires_offset, fencing_token)
            VALUES ('abandoned', 'running', 0, 0, '{}', 0, 0, 0, 'dead-host', 10, 0, 3),
                   ('held', 'running', 0, 0, '{}', 0, 0, 0, 'live-host', 1000, 0, 1),
                   ('done', 'completed', 0, 0, '{}', 0, 0, 0, NULL, NULL, NULL, 2);
            """);

        var unheld = Assert.Single(await Open(schema).ListUnheldRunningWorkflowsAsync(new DateTimeOffset(500, TimeSpan.Zero), CancellationToken.None));

        Assert.Equal(("abandoned", "dead-host", 3L), (unheld.WorkflowId, unheld.LeaseOwner, unheld.FencingToken));
        Assert.Equal($"{schema}.ix_workflows_running", await ScalarAsync($"SELECT to_regclass('{quoted}.ix_workflows_running')::text"));
        Assert.Equal(PostgresMigrations.CurrentVersion, await ScalarAsync($"SELECT max(version) FROM {quoted}.schema_migrations"));
    }

    /// <summary>A schema at version 5 gets the index of workflows by status, and its workflows are paged by status.</summary>
    [Fact]
    public async Task FirstUse_Version5Schema_IndexesItsWorkflowsByStatusAndPagesThem()
    {
        var schema = PostgresServer.NewSchema();
        var quoted = $"\"{schema}\"";
        await ScalarAsync($$"""
            {{EarlierSchema.Sql(schema, 5)}}
            INSERT INTO {{quoted}}.workflows (workflow_id, status, created_ticks, created_offset, metadata, input_tokens, output_tokens, cost, fencing_token)
            VALUES ('done', 'completed', 0, 0, '{}', 0, 0, 0, 0), ('first', 'running', 0, 0, '{}', 0, 0, 0, 0),
                   ('second', 'created', 0, 0, '{}', 0, 0, 0, 0), ('third', 'running', 0, 0, '{}', 0, 0, 0, 0);
            """);

        var page = await Open(schema).QueryWorkflowsAsync(new WorkflowQuery { Statuses = WorkflowQuery.Unfinished.Statuses, Offset = 1, Limit = 1 }, CancellationToken.None);

        Assert.Equal(["second"], page.Workflows.Select(w => w.WorkflowId));
        Assert.Equal(3, page.Total);
        Assert.Equal($"{schema}.ix_workflows_status", await ScalarAsync($"SELECT to_regclass('{quoted}.ix_workflows_status')::text"));
        Assert.Equal(PostgresMigrations.CurrentVersion, await ScalarAsync($"SELECT max(version) FROM {quoted}.schema_migrations"));
    }

    /// <summary>A schema at version 3 gets the stored-plan columns of schedules; its schedules read as before.</summary>
    [Fact]
    public async Task FirstUse_Version3Schema_KeepsItsSchedulesAndStoresTheirPlan()
    {
        var schema = PostgresServer.NewSchema();
        await ScalarAsync($$"""
            {{EarlierSchema.Sql(schema, 3)}}
            INSERT INTO "{{schema}}".schedules (schedule_id, interval_ticks, plan_path, missed_run_policy, allow_overlap, paused, updated_ticks, updated_offset, revision)
            VALUES ('hourly', {{TimeSpan.TicksPerHour}}, '/plans/a.json', 'skip', false, false, 0, 0, 1);
            """);
        var store = Open(schema);

        var before = (await store.GetScheduleAsync("hourly", CancellationToken.None))!;
        var moved = await store.TrySaveScheduleAsync(before with { PlanPath = null, PlanId = "release", PlanVersion = 2 }, CancellationToken.None);

        Assert.Equal(("/plans/a.json", (string?)null, (int?)null), (before.PlanPath, before.PlanId, before.PlanVersion));
        Assert.Equal(moved, await store.GetScheduleAsync("hourly", CancellationToken.None));
        Assert.Equal(("release", 2), (moved!.PlanId, moved.PlanVersion!.Value));
    }

    /// <summary>Two schemas in one database are two separate stores: hosts of different workloads share a server.</summary>
    [Fact]
    public async Task Schemas_InOneDatabase_KeepTheirWorkflowsApart()
    {
        var first = Open(PostgresServer.NewSchema());
        var second = Open(PostgresServer.NewSchema());
        var changes = new StateChanges();
        changes.Workflows.Add(new WorkflowRecord { WorkflowId = "wf", Status = AgentManager.Workflows.WorkflowStatus.Created, CreatedAt = DateTimeOffset.UnixEpoch });
        changes.CreatedWorkflows.Add("wf");

        await first.CommitAsync(changes, CancellationToken.None);
        await second.CommitAsync(changes, CancellationToken.None);

        Assert.Single(await first.ListWorkflowsAsync(CancellationToken.None));
        Assert.Single(await second.ListWorkflowsAsync(CancellationToken.None));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }
}

using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Tests.Plans;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AgentManager.Storage.Postgres.Tests;

/// <summary>The shared task plan store contract, against a real PostgreSQL server; each test gets a schema of its own,
/// and the tests below open several stores on one schema as several hosts would.</summary>
[Collection(PostgresTestGroup.Name)]
public sealed class PostgresTaskPlanStoreContractTests(PostgresServer server) : TaskPlanStoreContractTests, IAsyncLifetime
{
    private readonly string _schema = PostgresServer.NewSchema();
    private readonly List<PostgresDatabase> _databases = [];

    protected override System.Threading.Tasks.Task<ITaskPlanStore> CreateStoreAsync(CancellationToken cancellationToken) =>
        System.Threading.Tasks.Task.FromResult<ITaskPlanStore>(Open());

    public System.Threading.Tasks.Task InitializeAsync() => System.Threading.Tasks.Task.CompletedTask;

    public async System.Threading.Tasks.Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async System.Threading.Tasks.Task TwoHostsOnOneSchema_SeeEachOthersVersions()
    {
        var first = Open();
        var second = Open();
        await first.AddAsync(Version("p", 1), CancellationToken.None);
        await second.UpdateAsync(Version("p", 2), CancellationToken.None);

        Assert.Equal(2, (await first.GetAsync("p", null, CancellationToken.None))!.Version);
        Assert.Equal("v1", (await first.GetAsync("p", 1, CancellationToken.None))!.Items[0].Id);
        var stale = await Assert.ThrowsAsync<PlanConflictException>(() => first.UpdateAsync(Version("p", 2), CancellationToken.None));
        Assert.Equal(2, stale.CurrentVersion);
        Assert.True(await first.DeleteAsync("p", CancellationToken.None));
        Assert.Empty(await second.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async System.Threading.Tasks.Task TwoHostsUpdatingTheSameVersion_ExactlyOneWinsAndItsVersionIsKept()
    {
        var hosts = Enumerable.Range(0, 4).Select(_ => Open()).ToList();
        await hosts[0].AddAsync(Version("p", 1), CancellationToken.None);

        var outcomes = await System.Threading.Tasks.Task.WhenAll(hosts.SelectMany(host => Enumerable.Range(0, 4).Select(i => System.Threading.Tasks.Task.Run(async () =>
        {
            var writer = hosts.IndexOf(host) + "/" + i;
            var edit = new TaskPlan { PlanId = "p", Version = 2, Items = [Item(writer)], CreatedAt = Version("p", 1).CreatedAt, Metadata = new Dictionary<string, string> { ["writer"] = writer } };
            try
            {
                await host.UpdateAsync(edit, CancellationToken.None);
                return edit.Metadata["writer"];
            }
            catch (PlanConflictException conflict) when (conflict.CurrentVersion == 2)
            {
                return null;
            }
        }))));

        var winner = Assert.Single(outcomes, writer => writer is not null);
        var stored = (await hosts[3].GetAsync("p", null, CancellationToken.None))!;
        Assert.Equal((2, winner, winner), (stored.Version, stored.Metadata["writer"], stored.Items[0].Id));
    }

    [Fact]
    public async System.Threading.Tasks.Task TwoHostsAddingTheSameId_ExactlyOneWins()
    {
        var hosts = Enumerable.Range(0, 4).Select(_ => Open()).ToList();

        var outcomes = await System.Threading.Tasks.Task.WhenAll(hosts.Select(host => System.Threading.Tasks.Task.Run(async () =>
        {
            try
            {
                await host.AddAsync(Version("p", 1), CancellationToken.None);
                return true;
            }
            catch (PlanConflictException conflict) when (conflict.CurrentVersion == 1)
            {
                return false;
            }
        })));

        Assert.Single(outcomes, won => won);
        Assert.Single(await hosts[0].ListAsync(CancellationToken.None));
    }

    [Fact]
    public async System.Threading.Tasks.Task ListAsync_SameCreationTime_OrdersIdsOrdinally_WhateverTheCollation()
    {
        var store = Open();
        await store.ListAsync(CancellationToken.None);

        // As in a database whose default collation is linguistic (the test server's C.UTF-8 already sorts ordinally).
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"ALTER TABLE \"{_schema}\".task_plans ALTER COLUMN plan_id TYPE text COLLATE \"und-x-icu\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        foreach (var id in (string[])["b", "a", "B", "_", "ä"])
        {
            await store.AddAsync(Version(id, 1), CancellationToken.None);
        }

        var plans = await store.ListAsync(CancellationToken.None);

        Assert.Equal(["B", "_", "a", "b", "ä"], plans.Select(plan => plan.PlanId));
    }

    [Fact]
    public async System.Threading.Tasks.Task UsePostgres_RegistersThePlanStoreOnTheSameSchema()
    {
        var services = new ServiceCollection();
        services.AddAgentManager().UsePostgres(o =>
        {
            o.ConnectionString = server.ConnectionString;
            o.Schema = _schema;
        });
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<ITaskPlanStore>();
        await store.AddAsync(Version("p", 1), CancellationToken.None);

        Assert.IsType<PostgresTaskPlanStore>(store);
        Assert.IsType<PostgresStateStore>(provider.GetRequiredService<IStateStore>());
        Assert.NotNull(await Open().GetAsync("p", null, CancellationToken.None));
    }

    [Fact]
    public async System.Threading.Tasks.Task SharesTheSchemaWithTheStateStore_WhicheverOpensItFirst()
    {
        var plans = Open();
        var database = new PostgresDatabase(NpgsqlDataSource.Create(server.ConnectionString), _schema, ownsDataSource: true);
        _databases.Add(database);
        var state = new PostgresStateStore(database);

        await System.Threading.Tasks.Task.WhenAll(
            plans.AddAsync(Version("p", 1), CancellationToken.None),
            state.ListWorkflowsAsync(CancellationToken.None));

        Assert.NotNull(await plans.GetAsync("p", null, CancellationToken.None));
        Assert.Empty(await state.ListSchedulesAsync(CancellationToken.None));
    }

    [Fact]
    public async System.Threading.Tasks.Task Service_OnThePostgresStore_KeepsEveryVersionAndTheConfirmedOne()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddAgentManager().UsePostgres(o =>
        {
            o.ConnectionString = server.ConnectionString;
            o.Schema = _schema;
        });
        await using var provider = services.BuildServiceProvider();
        var service = provider.GetRequiredService<TaskPlanService>();
        var draft = await service.CreateAsync(new NewTaskPlan { PlanId = "docs", Items = [Item("a"), Item("b", "a")] });
        var edited = await service.EditAsync("docs", draft.Version, [Item("a"), Item("b", "a"), Item("c")]);

        var confirmed = await service.ConfirmAsync("docs");

        var reopened = Open();
        var current = (await reopened.GetAsync("docs", null, CancellationToken.None))!;
        Assert.Equal((3, 3), (current.Version, current.ConfirmedVersion!.Value));
        Assert.Equal(2, (await reopened.GetAsync("docs", 1, CancellationToken.None))!.Items.Count);
        Assert.Equal(confirmed.Items, (await reopened.GetAsync("docs", 3, CancellationToken.None))!.Items);
        Assert.Equal(["c"], (await service.DiffAsync("docs", draft.Version, edited.Version)).Added.Select(i => i.Id));
    }

    /// <summary>An item ready to confirm against the built-in catalog.</summary>
    private static PlanItem Item(string id, params string[] dependencies) =>
        new() { Id = id, Title = "Do " + id, Dependencies = dependencies, Assignee = "worker", Verification = "true" };

    /// <summary>A store on this test's schema with a data source of its own, as another host would have.</summary>
    private PostgresTaskPlanStore Open()
    {
        var database = new PostgresDatabase(NpgsqlDataSource.Create(server.ConnectionString), _schema, ownsDataSource: true);
        _databases.Add(database);
        return new PostgresTaskPlanStore(database);
    }
}

using AgentManager.Persistence;
using AgentManager.Tests.Workflows;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AgentManager.Storage.Postgres.Tests;

[Collection(PostgresTestGroup.Name)]
public sealed class PostgresRegistrationTests(PostgresServer server)
{
    private static ServiceProvider Build(Action<IAgentManagerBuilder> configure, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        services?.Invoke(collection);
        var builder = collection.AddAgentManager(o => o.WorkRoot = Path.Combine(Path.GetTempPath(), "agentmanager-tests", Guid.NewGuid().ToString("N")));
        builder.AddAgent("agent", EngineFixture.NoOp);
        configure(builder);
        return collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static WorkflowDefinition TwoTasks()
    {
        var workflow = new WorkflowDefinition { DefaultAgentId = "agent" };
        workflow.Tasks.Add(EngineFixture.Task("a"));
        workflow.Tasks.Add(EngineFixture.Task("b", "a"));
        return workflow;
    }

    /// <summary>The host's one line: the engine runs on PostgreSQL, and a second host process (another provider on the
    /// same schema) reads what the first stored.</summary>
    [Fact]
    public async Task UsePostgres_ConnectionString_EngineRunsAWorkflowThatAnotherHostReads()
    {
        var schema = PostgresServer.NewSchema();
        WorkflowSummary summary;
        await using (var host = Build(b => b.UsePostgres(o => (o.ConnectionString, o.Schema) = (server.ConnectionString, schema))))
        {
            summary = await host.GetRequiredService<IWorkflowEngine>().RunAsync(TwoTasks(), CancellationToken.None);
        }

        await using var other = Build(b => b.UsePostgres(o => (o.ConnectionString, o.Schema) = (server.ConnectionString, schema)));
        var store = other.GetRequiredService<IStateStore>();
        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(WorkflowStatus.Completed, (await store.GetWorkflowAsync(summary.WorkflowId, CancellationToken.None))!.Status);
        Assert.Equal(["a", "b"], (await store.GetTasksAsync(summary.WorkflowId, CancellationToken.None)).Select(t => t.TaskId));
    }

    /// <summary>Signals through LISTEN/NOTIFY are on unless the host turns them off (a pooler in transaction mode).</summary>
    [Theory]
    [InlineData(null, true)]
    [InlineData(false, false)]
    public async Task UsePostgres_ListenNotify_IsOnByDefaultAndCanBeTurnedOff(bool? setting, bool expected)
    {
        await using var host = Build(b => b.UsePostgres(o =>
        {
            (o.ConnectionString, o.Schema) = (server.ConnectionString, PostgresServer.NewSchema());
            o.ListenNotify = setting ?? o.ListenNotify;
        }));

        Assert.Equal(expected, host.GetRequiredService<PostgresDatabase>().ListenNotify);
        Assert.IsAssignableFrom<IStateStoreSignals>(host.GetRequiredService<IStateStore>());
    }

    /// <summary>With no connection string, the store uses the host's data source and leaves its disposal to the host.</summary>
    [Fact]
    public async Task UsePostgres_NoConnectionString_UsesTheDataSourceOfTheServiceProviderWithoutDisposingIt()
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        var schema = PostgresServer.NewSchema();
        await using (var host = Build(b => b.UsePostgres(o => o.Schema = schema), s => s.AddSingleton(dataSource)))
        {
            var summary = await host.GetRequiredService<IWorkflowEngine>().RunAsync(TwoTasks(), CancellationToken.None);
            Assert.Equal(WorkflowStatus.Completed, summary.Status);
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{schema}\".workflows", connection);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task UsePostgres_NoConnectionStringAndNoDataSource_FailsOnResolveSayingWhatToSet()
    {
        await using var host = Build(b => b.UsePostgres(_ => { }));

        var ex = Assert.Throws<InvalidOperationException>(() => host.GetRequiredService<IStateStore>());

        Assert.Contains("PostgresStoreOptions.ConnectionString", ex.Message, StringComparison.Ordinal);
        Assert.Contains("NpgsqlDataSource", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Agent-Manager", "'Agent-Manager' is not a lowercase SQL identifier")]
    [InlineData("", "'' is not a lowercase SQL identifier")]
    [InlineData("1st", "'1st' is not a lowercase SQL identifier")]
    public void UsePostgres_InvalidSchema_IsRefusedAtRegistrationNamingTheValue(string schema, string expected)
    {
        var services = new ServiceCollection();

        var ex = Assert.Throws<ArgumentException>(() => services.AddAgentManager().UsePostgres(o => (o.ConnectionString, o.Schema) = (server.ConnectionString, schema)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(PostgresDatabase));
    }

    [Fact]
    public void UsePostgres_BadConnectionStrings_AreRefusedAtRegistration()
    {
        var builder = new ServiceCollection().AddAgentManager();
        using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);

        Assert.Contains("is blank", Assert.Throws<ArgumentException>(() => builder.UsePostgres(" ")).Message, StringComparison.Ordinal);
        Assert.Contains("not a valid Npgsql connection string", Assert.Throws<ArgumentException>(() => builder.UsePostgres("Host=db;Bogus Keyword=1")).Message, StringComparison.Ordinal);
        Assert.Contains("both ConnectionString and DataSource", Assert.Throws<ArgumentException>(() => builder.UsePostgres(o => (o.ConnectionString, o.DataSource) = (server.ConnectionString, dataSource))).Message, StringComparison.Ordinal);
    }
}

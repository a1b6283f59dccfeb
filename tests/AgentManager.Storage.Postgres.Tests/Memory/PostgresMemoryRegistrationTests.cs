using AgentManager.Memory;
using AgentManager.Tests.Workflows;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Storage.Postgres.Tests.Memory;

[Collection(PostgresTestGroup.Name)]
public sealed class PostgresMemoryRegistrationTests(PostgresServer server)
{
    private static ServiceProvider Build(Action<IAgentManagerBuilder> configure)
    {
        var services = new ServiceCollection();
        var builder = services.AddAgentManager(o => o.WorkRoot = Path.Combine(Path.GetTempPath(), "agentmanager-tests", Guid.NewGuid().ToString("N")));
        builder.AddAgent("agent", EngineFixture.NoOp);
        configure(builder);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>An engine with memory on PostgreSQL records its tasks' outcomes where another host finds and recalls them.</summary>
    [Fact]
    public async Task UsePostgresMemory_EngineRecordsOutcomes_ThatAnotherHostQueriesAndRecalls()
    {
        var schema = PostgresServer.NewSchema();
        void Configure(IAgentManagerBuilder b) => b.AddAgentMemory().UsePostgres(o => (o.ConnectionString, o.Schema) = (server.ConnectionString, schema)).UsePostgresMemory();
        var workflow = new WorkflowDefinition { Id = "remembered", DefaultAgentId = "agent" };
        var task = EngineFixture.Task("migrate");
        task.Prompt = "apply the database migration";
        workflow.Tasks.Add(task);

        await using (var host = Build(Configure))
        {
            Assert.IsType<PostgresVectorIndex>(host.GetRequiredService<IVectorIndex>());
            Assert.IsType<PostgresTaskHistory>(host.GetRequiredService<ITaskHistory>());
            Assert.IsType<PostgresWorkingMemory>(host.GetRequiredService<IWorkingMemory>());
            Assert.Equal(WorkflowStatus.Completed, (await host.GetRequiredService<IWorkflowEngine>().RunAsync(workflow, CancellationToken.None)).Status);
            await host.GetRequiredService<IWorkingMemory>().SetAsync("remembered", "note", "kept for the next host", null, CancellationToken.None);

            // Outcomes are recorded off the engine loop (history first, then the memory record): wait for the
            // record before this host stops.
            var memory = host.GetRequiredService<SemanticMemory>();
            for (var i = 0; i < 3000 && await memory.CountAsync() == 0; i++)
            {
                await System.Threading.Tasks.Task.Delay(10);
            }
        }

        await using var other = Build(Configure);
        var outcomes = await other.GetRequiredService<ITaskHistory>().QueryAsync(new TaskHistoryQuery { WorkflowId = "remembered" }, CancellationToken.None);
        Assert.Equal("migrate", Assert.Single(outcomes).TaskId);
        var recalled = await other.GetRequiredService<SemanticMemory>().RecallAsync("database migration", 1, null, CancellationToken.None);
        Assert.Contains("migrate", Assert.Single(recalled).Record.Text, StringComparison.Ordinal);
        Assert.Equal("kept for the next host", (await other.GetRequiredService<IWorkingMemory>().GetAsync("remembered", "note", CancellationToken.None))!.Value);
    }

    [Fact]
    public void UsePostgresMemory_WithoutUsePostgres_IsRefusedSayingToCallItFirst()
    {
        var services = new ServiceCollection();
        var builder = services.AddAgentManager();

        var ex = Assert.Throws<InvalidOperationException>(() => builder.UsePostgresMemory());

        Assert.Contains("call UsePostgres(...) first", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IVectorIndex));
        Assert.Throws<ArgumentNullException>(() => ((IAgentManagerBuilder)null!).UsePostgresMemory());
    }
}

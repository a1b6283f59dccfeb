using AgentManager.Memory;
using AgentManager.Memory.Sqlite;
using AgentManager.Tests.Memory;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentManager.Tests.DependencyInjection;

public sealed class MemoryAgentManagerBuilderExtensionsTests
{
    private static ServiceProvider Build(IServiceCollection services) =>
        services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

    [Fact]
    public async Task AddAgentMemory_RegistersTheOfflineDefaults_AndEverythingResolves()
    {
        var services = new ServiceCollection();
        services.AddAgentManager().AddAgentMemory(o => o.EmbeddingDimensions = 64);
        await using var provider = Build(services);

        var generator = Assert.IsType<HashingEmbeddingGenerator>(provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Equal(64, generator.Dimensions);
        Assert.IsType<InMemoryVectorIndex>(provider.GetRequiredService<IVectorIndex>());
        Assert.IsType<InMemoryTaskHistory>(provider.GetRequiredService<ITaskHistory>());
        Assert.IsType<InMemoryWorkingMemory>(provider.GetRequiredService<IWorkingMemory>());
        var outcomes = provider.GetRequiredService<TaskOutcomeMemory>();
        var memory = provider.GetRequiredService<SemanticMemory>();
        await memory.RememberAsync("offline memory works without a model");
        Assert.Single(await memory.RecallAsync("memory without a model"));
        Assert.Equal("task-outcomes", outcomes.ToMemoryRecord(new TaskOutcome { WorkflowId = "w", TaskId = "t", AgentId = "a", Status = AgentManager.Lifecycle.TaskState.Completed, FinishedAt = default }).Namespace);
    }

    [Fact]
    public void AddAgentMemory_CalledTwice_RegistersEachServiceOnce()
    {
        var once = new ServiceCollection();
        once.AddAgentManager().AddAgentMemory();
        var twice = new ServiceCollection();
        twice.AddAgentManager().AddAgentMemory().AddAgentMemory(o => o.OutcomeNamespace = "lessons");

        Assert.Equal(once.Count + 1, twice.Count); // the second call only adds its Configure
        Assert.Single(twice, d => d.ServiceType == typeof(IVectorIndex));
        Assert.Single(twice, d => d.ServiceType == typeof(SemanticMemory));
    }

    [Fact]
    public void AddAgentMemory_AUsersEmbeddingGenerator_WinsWhetherRegisteredBeforeOrAfter()
    {
        var mine = new HashingEmbeddingGenerator(16);
        var before = new ServiceCollection();
        before.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(mine);
        before.AddAgentManager().AddAgentMemory();
        var after = new ServiceCollection();
        after.AddAgentManager().AddAgentMemory();
        after.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(mine);

        using var first = Build(before);
        using var second = Build(after);

        Assert.Same(mine, first.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Same(mine, second.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
    }

    [Fact]
    public void AddAgentMemory_InvalidOptions_FailListingEveryProblem()
    {
        var services = new ServiceCollection();
        services.AddAgentManager().AddAgentMemory(o =>
        {
            o.EmbeddingDimensions = 0;
            o.OutcomeNamespace = "not valid";
        });
        using var provider = Build(services);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AgentMemoryOptions>>().Value);

        Assert.Equal(2, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.Contains("EmbeddingDimensions is 0", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("OutcomeNamespace", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UseSqliteMemory_KeepsIndexHistoryAndWorkingMemoryInOneFile_AcrossProviders()
    {
        var files = new SqliteMemoryFiles();
        try
        {
            await WriteThenReopenAsync(files.PathOf());
        }
        finally
        {
            await files.DeleteAllAsync();
        }
    }

    private static async Task WriteThenReopenAsync(string path)
    {
        IServiceCollection Services()
        {
            var services = new ServiceCollection();
            services.AddAgentManager().UseSqliteMemory(o => o.Path = path);
            return services;
        }

        await using (var provider = Build(Services()))
        {
            Assert.IsType<SqliteVectorIndex>(provider.GetRequiredService<IVectorIndex>());
            Assert.IsType<SqliteTaskHistory>(provider.GetRequiredService<ITaskHistory>());
            Assert.IsType<SqliteWorkingMemory>(provider.GetRequiredService<IWorkingMemory>());
            await provider.GetRequiredService<SemanticMemory>().RememberAsync("persisted lesson about flaky tests");
            await provider.GetRequiredService<IWorkingMemory>().SetAsync("wf-1", "k", "v", null, CancellationToken.None);
        }

        await using (var provider = Build(Services()))
        {
            Assert.Single(await provider.GetRequiredService<SemanticMemory>().RecallAsync("flaky tests"));
            Assert.Equal("v", (await provider.GetRequiredService<IWorkingMemory>().GetAsync("wf-1", "k", CancellationToken.None))!.Value);
        }
    }

    [Fact]
    public void ArgValidation()
    {
        Assert.Throws<ArgumentNullException>(() => ((IAgentManagerBuilder)null!).AddAgentMemory());
        Assert.Throws<ArgumentNullException>(() => ((IAgentManagerBuilder)null!).UseSqliteMemory());
        var builder = new ServiceCollection().AddAgentManager();
        Assert.Throws<ArgumentException>(() => builder.UseSqliteMemory(o => o.Path = " "));
    }
}

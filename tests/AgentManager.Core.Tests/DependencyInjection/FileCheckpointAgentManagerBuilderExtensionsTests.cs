using AgentManager.Persistence.Checkpoints;
using AgentManager.Tests.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentManager.Tests.DependencyInjection;

public sealed class FileCheckpointAgentManagerBuilderExtensionsTests
{
    [Fact]
    public async Task UseFileCheckpoints_RegistersTheFileStoreWithItsOptionsAndTimeProvider()
    {
        using var directory = new TestDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddAgentManager().UseFileCheckpoints(o => o.RootDirectory = directory.File("cp"));
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var store = provider.GetRequiredService<ICheckpointStore>();
        var record = await store.SaveAsync(new CheckpointWrite { WorkflowId = "w", TaskId = "t", Attempt = 1, AgentOutput = "x" }, CancellationToken.None);

        Assert.Equal(directory.File("cp"), Assert.IsType<FileCheckpointStore>(store).RootDirectory);
        Assert.Same(store, provider.GetRequiredService<ICheckpointStore>());
        Assert.Equal(time.GetUtcNow(), record.CreatedAt);
        Assert.True(File.Exists(Path.Combine(directory.File("cp"), "w", "t", "attempt-1", "manifest.json")));
    }

    [Fact]
    public void UseFileCheckpoints_CalledTwice_TheLastWins()
    {
        var services = new ServiceCollection();
        var builder = services.AddAgentManager();

        builder.UseFileCheckpoints(o => o.RootDirectory = "/first").UseFileCheckpoints(o => o.RootDirectory = "/second");
        using var provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(ICheckpointStore));
        Assert.Equal(Path.GetFullPath("/second"), Assert.IsType<FileCheckpointStore>(provider.GetRequiredService<ICheckpointStore>()).RootDirectory);
    }

    [Fact]
    public void UseFileCheckpoints_WithoutConfigure_UsesTheDefaults()
    {
        var services = new ServiceCollection();
        services.AddAgentManager().UseFileCheckpoints();
        using var provider = services.BuildServiceProvider();

        var store = Assert.IsType<FileCheckpointStore>(provider.GetRequiredService<ICheckpointStore>());

        Assert.Equal(Path.GetFullPath(Path.Combine("agentmanager-data", "checkpoints")), store.RootDirectory);
    }

    [Fact]
    public void UseFileCheckpoints_ArgValidation()
    {
        var builder = new ServiceCollection().AddAgentManager();

        Assert.Throws<ArgumentNullException>(() => ((IAgentManagerBuilder)null!).UseFileCheckpoints());
        var blank = Assert.Throws<ArgumentException>(() => builder.UseFileCheckpoints(o => o.RootDirectory = ""));
        Assert.Contains("RootDirectory is blank", blank.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => builder.UseFileCheckpoints(o => o.MaxEntryBytes = -5));
        Assert.DoesNotContain(builder.Services, d => d.ServiceType == typeof(ICheckpointStore));
    }
}

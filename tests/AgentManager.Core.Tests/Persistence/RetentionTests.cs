using AgentManager.Events;
using AgentManager.Persistence;
using AgentManager.Persistence.Sqlite;
using AgentManager.Tests.Execution;
using AgentManager.Tests.Schedules;
using AgentManager.Workflows;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static AgentManager.Tests.Schedules.ScheduleHarness;

namespace AgentManager.Tests.Persistence;

public sealed class RetentionTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentmanager-retention-tests", Guid.NewGuid().ToString("N"));
    private string DatabasePath => Path.Combine(_directory, "state.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Task.Yield();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static RetentionService Retention(ScheduleHarness h) =>
        h.Services.GetServices<IHostedService>().OfType<RetentionService>().Single();

    [Fact]
    public async Task ScheduleEveryMinute_WithRetention_KeepsTheDatabaseFromGrowing()
    {
        await using var store = new SqliteStateStore(new SqliteStoreOptions { Path = DatabasePath });
        var schedule = Hourly("minutely");
        schedule.Interval = TimeSpan.FromMinutes(1);
        schedule.WorkflowFactory = (_, _) => ValueTask.FromResult(Workflows.EngineFixture.Workflow(
            Workflows.EngineFixture.NoOp,
            [.. Enumerable.Range(0, 20).Select(i => Workflows.EngineFixture.Task($"t{i}"))]));
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), store, o => o.Schedules.Add(schedule), engine: o =>
        {
            o.Retention.FinishedWorkflowTtl = TimeSpan.FromMinutes(2);
            o.Retention.Interval = TimeSpan.FromMinutes(5);
        });
        await h.StartAsync();
        var retention = Retention(h);
        var sizes = new List<long>();
        var stored = new List<int>();
        var minute = 0;
        for (var round = 0; round < 6; round++)
        {
            for (var run = 0; run < 10; run++)
            {
                minute++;
                await h.AdvanceToAsync(T0.AddMinutes(minute));
                var fired = await h.WaitForAsync(EventTypes.ScheduleFired, e => e.Occurrence == T0.AddMinutes(minute));
                await h.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, fired.RunWorkflowId!);
                if (minute % 5 == 0)
                {
                    // Each pass is waited for before the clock moves on: a pass still running when the next
                    // interval ends would merge two ticks into one and let more runs pile up than the policy keeps.
                    await Poll.UntilAsync(() => retention.Passes >= minute / 5, $"the retention pass of minute {minute}");
                }
            }

            stored.Add((await store.ListWorkflowsAsync(CancellationToken.None)).Count);
            sizes.Add(await SqliteFileSize.PagesAsync(DatabasePath));
        }

        var rounds = $"workflows kept after each round: {string.Join(", ", stored)}; database sizes: {string.Join(", ", sizes)} bytes";
        Assert.Equal(60, h.ScheduleEvents.Count(e => e.Type == EventTypes.ScheduleFired));
        // A pass every 5 minutes keeps the runs that finished within the 2-minute TTL, never the 60 that ran.
        Assert.True(stored.TrueForAll(count => count is >= 1 and <= 3), rounds);
        // Freed pages are reused: after the first rounds the file stays within a few pages (the B-tree layout varies
        // with the timing of commits by up to ~8 pages), instead of growing by a round's worth (several hundred KB) each time.
        Assert.True(sizes[^1] - sizes[1] <= 64 * 1024, $"the database grew across purged rounds; {rounds}");
    }

    [Fact]
    public async Task RetentionOff_ByDefault_PurgesNothing()
    {
        var time = new FakeTimeProvider(T0);
        await using var h = new ScheduleHarness(time, configure: o => o.Schedules.Add(Hourly()));
        await h.StartAsync();
        await h.AdvanceToAsync(T0.AddHours(1));
        var fired = await h.WaitForAsync(EventTypes.ScheduleFired);
        await h.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, fired.RunWorkflowId!);

        time.Advance(TimeSpan.FromDays(30));

        Assert.Null(h.Services.GetRequiredService<IOptions<AgentManagerOptions>>().Value.Retention.FinishedWorkflowTtl);
        Assert.True(Retention(h).ExecuteTask!.IsCompletedSuccessfully);
        Assert.NotNull(await h.Store.GetWorkflowAsync(fired.RunWorkflowId!, CancellationToken.None));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Retention_PurgesCheckpointsMemoryAndHistoryOfPurgedWorkflows_KeepsRecentOnesAndLongTermMemoryByChoice(bool keepMemory)
    {
        var time = new FakeTimeProvider(T0);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddAgentManager(o =>
        {
            o.WorkRoot = Path.Combine(_directory, "runs");
            o.Retention.FinishedWorkflowTtl = TimeSpan.FromHours(1);
            o.Retention.Interval = TimeSpan.FromMinutes(30);
            o.Retention.KeepMemory = keepMemory;
        }).UseFileCheckpoints(o => o.RootDirectory = Path.Combine(_directory, "checkpoints")).AddAgentMemory();
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        var engine = provider.GetRequiredService<IWorkflowEngine>();
        var memory = provider.GetRequiredService<AgentManager.Memory.IWorkingMemory>();
        var checkpoints = provider.GetRequiredService<AgentManager.Persistence.Checkpoints.ICheckpointStore>();
        var old = Workflows.EngineFixture.Workflow(Workflows.EngineFixture.NoOp, Workflows.EngineFixture.Task("a"));
        old.Id = "old";
        await engine.RunAsync(old);
        await memory.SetAsync("old", "k", "v", null, CancellationToken.None);
        var history = provider.GetRequiredService<AgentManager.Memory.ITaskHistory>();
        var semantic = provider.GetRequiredService<AgentManager.Memory.SemanticMemory>();
        var oldOutcomes = new AgentManager.Memory.MemoryFilter { Tags = ["workflow:old"] };
        await UntilCountAsync(semantic, oldOutcomes, 1);
        time.Advance(TimeSpan.FromMinutes(90));
        var recent = Workflows.EngineFixture.Workflow(Workflows.EngineFixture.NoOp, Workflows.EngineFixture.Task("a"));
        recent.Id = "recent";
        await engine.RunAsync(recent);
        await AdvanceToNextPassAsync(hosted, time, TimeSpan.FromMinutes(30));

        var store = provider.GetRequiredService<IStateStore>();
        Assert.Null(await store.GetWorkflowAsync("old", CancellationToken.None));
        Assert.NotNull(await store.GetWorkflowAsync("recent", CancellationToken.None));
        Assert.Empty(await checkpoints.ListAsync("old", null, CancellationToken.None));
        Assert.NotEmpty(await checkpoints.ListAsync("recent", null, CancellationToken.None));
        Assert.Empty(await memory.ListAsync("old", CancellationToken.None));
        var oldHistory = await history.QueryAsync(new AgentManager.Memory.TaskHistoryQuery { WorkflowId = "old" }, CancellationToken.None);
        Assert.Equal(keepMemory ? 1 : 0, oldHistory.Count);
        Assert.Equal(keepMemory ? 1 : 0, await semantic.CountAsync(oldOutcomes));
        await UntilCountAsync(semantic, new AgentManager.Memory.MemoryFilter { Tags = ["workflow:recent"] }, 1);
        Assert.Single(await history.QueryAsync(new AgentManager.Memory.TaskHistoryQuery { WorkflowId = "recent" }, CancellationToken.None));
        foreach (var service in Enumerable.Reverse(hosted))
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Retention_DeleteWorkRoots_RemovesTheEnginesWorkRootsOfPurgedWorkflowsOnly(bool deleteWorkRoots)
    {
        var time = new FakeTimeProvider(T0);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        var workRoot = Path.Combine(_directory, "runs");
        services.AddAgentManager(o =>
        {
            o.WorkRoot = workRoot;
            o.Retention.FinishedWorkflowTtl = TimeSpan.FromHours(1);
            o.Retention.Interval = TimeSpan.FromMinutes(30);
            o.Retention.DeleteWorkRoots = deleteWorkRoots;
        });
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        var engine = provider.GetRequiredService<IWorkflowEngine>();
        var old = Workflows.EngineFixture.Workflow(Workflows.EngineFixture.NoOp, Workflows.EngineFixture.Task("a"));
        old.Id = "old";
        var custom = Workflows.EngineFixture.Workflow(Workflows.EngineFixture.NoOp, Workflows.EngineFixture.Task("a"));
        custom.Id = "custom";
        custom.WorkRoot = Path.Combine(_directory, "my-checkout");
        await engine.RunAsync(old);
        await engine.RunAsync(custom);
        var oldFile = Written(Path.Combine(workRoot, "old", "agent", "report.md"));
        var customFile = Written(Path.Combine(custom.WorkRoot, "report.md"));
        time.Advance(TimeSpan.FromMinutes(90));
        var recent = Workflows.EngineFixture.Workflow(Workflows.EngineFixture.NoOp, Workflows.EngineFixture.Task("a"));
        recent.Id = "recent";
        await engine.RunAsync(recent);
        var recentFile = Written(Path.Combine(workRoot, "recent", "report.md"));
        await AdvanceToNextPassAsync(hosted, time, TimeSpan.FromMinutes(30));

        var store = provider.GetRequiredService<IStateStore>();
        Assert.Null(await store.GetWorkflowAsync("old", CancellationToken.None));
        Assert.Null(await store.GetWorkflowAsync("custom", CancellationToken.None));
        Assert.Equal(!deleteWorkRoots, Directory.Exists(Path.Combine(workRoot, "old")));
        Assert.Equal(!deleteWorkRoots, File.Exists(oldFile));
        Assert.True(File.Exists(customFile), "a work root the definition named itself is never deleted");
        Assert.True(File.Exists(recentFile), "a workflow that is kept keeps its work root");
        foreach (var service in Enumerable.Reverse(hosted))
        {
            await service.StopAsync(CancellationToken.None);
        }

        static string Written(string path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "output");
            return path;
        }
    }

    /// <summary>Waits for the engine's background outcome recorder.</summary>
    /// <summary>Moves the clock on by <paramref name="interval"/> and waits for the retention pass it brings.</summary>
    private static async Task AdvanceToNextPassAsync(IEnumerable<IHostedService> hosted, FakeTimeProvider time, TimeSpan interval)
    {
        var retention = hosted.OfType<RetentionService>().Single();
        var passes = retention.Passes;
        time.Advance(interval);
        await Poll.UntilAsync(() => retention.Passes > passes, "a retention pass");
    }

    private static async Task UntilCountAsync(AgentManager.Memory.SemanticMemory semantic, AgentManager.Memory.MemoryFilter filter, long count)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await semantic.CountAsync(filter, patience.Token) != count)
        {
            await Task.Delay(10, patience.Token);
        }
    }

    [Fact]
    public void Options_Defaults_AndBrokenRules()
    {
        var options = new RetentionOptions();
        Assert.Equal((null, TimeSpan.FromHours(1), false, false), (options.FinishedWorkflowTtl, options.Interval, options.KeepMemory, options.DeleteWorkRoots));
        Assert.Empty(options.Validate());

        options.FinishedWorkflowTtl = TimeSpan.FromSeconds(-1);
        options.Interval = TimeSpan.Zero;
        var errors = options.Validate("Retention.");

        Assert.Equal(2, errors.Count);
        Assert.StartsWith("Retention.FinishedWorkflowTtl is -00:00:01; it must not be negative.", errors[0], StringComparison.Ordinal);
        Assert.Contains("Retention.Interval is 00:00:00; it must be positive and at most 49 days.", errors[1], StringComparison.Ordinal);
        options.Interval = TimeSpan.FromDays(50);
        Assert.Equal(2, options.Validate().Count);
    }

    [Fact]
    public void AgentManagerOptions_InvalidRetention_AreReportedWhenRead()
    {
        var services = new ServiceCollection();
        services.AddAgentManager(o => o.Retention.Interval = TimeSpan.FromSeconds(-5));
        using var provider = services.BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AgentManagerOptions>>().Value);

        Assert.Contains("Retention.Interval is -00:00:05", exception.Message, StringComparison.Ordinal);
    }
}

using AgentManager.Persistence;
using AgentManager.Schedules;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static AgentManager.Tests.Schedules.ScheduleHarness;

namespace AgentManager.Tests.Schedules;

public sealed class ScheduleServiceTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentmanager-schedule-service", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(T0.AddMinutes(7));
    private readonly ServiceProvider _provider;

    public ScheduleServiceTests()
    {
        Directory.CreateDirectory(_directory);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddAgentManager().AddSchedules();
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Service = _provider.GetRequiredService<IScheduleService>();
    }

    private IScheduleService Service { get; }

    public void Dispose()
    {
        _provider.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private string PlanFile()
    {
        var path = Path.Combine(_directory, "plan.json");
        File.WriteAllText(path, "{}");
        return path;
    }

    [Fact]
    public async Task AddOrUpdate_NewCronSchedule_StoresItWithItsFirstOccurrenceAndAnAbsolutePlanPath()
    {
        PlanFile();
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(_directory, "plan.json"));

        var stored = await Service.AddOrUpdateAsync(new ScheduleDefinition { Id = "nightly", Cron = "30 2 * * *", TimeZone = "Europe/Berlin", PlanPath = relative, Paused = true });

        Assert.Equal(new DateTimeOffset(2026, 3, 3, 1, 30, 0, TimeSpan.Zero), stored.NextRun!.Value.ToUniversalTime());
        Assert.Equal(Path.Combine(_directory, "plan.json"), stored.PlanPath);
        Assert.Equal((true, 1L, _time.GetUtcNow()), (stored.Paused, stored.Revision, stored.UpdatedAt));
        Assert.Equal(stored, await Service.GetAsync("nightly"));
    }

    [Fact]
    public async Task AddOrUpdate_StoredSchedule_KeepsPausedAndRuns_AndRecomputesTheNextRunOnlyWhenTheTimingChanged()
    {
        await Service.AddOrUpdateAsync(Hourly());
        await Service.PauseAsync("hourly");
        _time.Advance(TimeSpan.FromMinutes(30));

        var samePolicy = Hourly();
        samePolicy.MissedRunPolicy = MissedRunPolicy.RunOnce;
        samePolicy.Paused = false;
        var kept = await Service.AddOrUpdateAsync(samePolicy);
        var changed = Hourly();
        changed.Interval = TimeSpan.FromMinutes(15);
        var retimed = await Service.AddOrUpdateAsync(changed);

        Assert.Equal((true, MissedRunPolicy.RunOnce, T0.AddMinutes(67)), (kept.Paused, kept.MissedRunPolicy, kept.NextRun!.Value));
        Assert.Equal((true, T0.AddMinutes(37 + 15)), (retimed.Paused, retimed.NextRun!.Value));
    }

    [Fact]
    public async Task PauseAndResume_AreIdempotent_AndResumingSkipsWhatPassedWhilePaused()
    {
        await Service.AddOrUpdateAsync(Hourly());

        var paused = await Service.PauseAsync("hourly");
        var again = await Service.PauseAsync("hourly");
        _time.Advance(TimeSpan.FromHours(3));
        var resumed = await Service.ResumeAsync("hourly");
        var resumedAgain = await Service.ResumeAsync("hourly");

        Assert.True(paused.Paused);
        Assert.Equal(paused.Revision, again.Revision);
        Assert.False(resumed.Paused);
        Assert.Equal(T0.AddMinutes(247), resumed.NextRun);
        Assert.Equal(resumed.Revision, resumedAgain.Revision);
    }

    [Fact]
    public async Task Delete_RemovesOnce()
    {
        await Service.AddOrUpdateAsync(Hourly());

        Assert.True(await Service.DeleteAsync("hourly"));
        Assert.False(await Service.DeleteAsync("hourly"));
        Assert.Empty(await Service.ListAsync());
    }

    [Fact]
    public async Task UnknownSchedule_GetPauseResume_ThrowNotFoundNamingIt()
    {
        var get = await Assert.ThrowsAsync<ScheduleNotFoundException>(() => Service.GetAsync("ghost"));
        await Assert.ThrowsAsync<ScheduleNotFoundException>(() => Service.PauseAsync("ghost"));
        await Assert.ThrowsAsync<ScheduleNotFoundException>(() => Service.ResumeAsync("ghost"));

        Assert.Equal("ghost", get.ScheduleId);
        Assert.Contains("'ghost'", get.Message, StringComparison.Ordinal);
        Assert.Empty(await Service.ListAsync());
    }

    public static TheoryData<string, string> BrokenDefinitions => new()
    {
        { "bad id", "Schedule 'bad id': Id: 'bad id' is not a valid id" },
        { "long", "Id: 'xxxxxxxxxxxxxxxxxxxx...' has 171 characters; a schedule id has at most 170" },
        { "no-plan", "Schedule 'no-plan': PlanPath: a schedule needs a stored plan (PlanId), a plan file or a workflow factory to start its runs; none is set" },
        { "both", "Schedule 'both': PlanPath: a schedule has one of a stored plan (PlanId), a plan file and a workflow factory, not several" },
        { "missing-plan", "PlanPath: the plan file '" },
        { "blank-plan", "Schedule 'blank-plan': PlanPath: is blank" },
        { "policy", "Schedule 'policy': MissedRunPolicy: 7 is not a defined MissedRunPolicy" },
        { "cron", "Schedule 'cron': Cron: '0 0 31 2 * * *' is not a valid cron expression" },
    };

    [Theory]
    [MemberData(nameof(BrokenDefinitions))]
    public async Task AddOrUpdate_BrokenRule_ThrowsNamingTheScheduleAndTheRule_AndStoresNothing(string which, string expected)
    {
        var definition = Hourly(which == "long" ? new string('x', 171) : which);
        switch (which)
        {
            case "no-plan":
                definition.WorkflowFactory = null;
                break;
            case "both":
                definition.PlanPath = PlanFile();
                break;
            case "missing-plan":
                definition.WorkflowFactory = null;
                definition.PlanPath = Path.Combine(_directory, "nope.json");
                break;
            case "blank-plan":
                definition.WorkflowFactory = null;
                definition.PlanPath = " ";
                break;
            case "policy":
                definition.MissedRunPolicy = (MissedRunPolicy)7;
                break;
            case "cron":
                definition.Interval = null;
                definition.Cron = "0 0 31 2 * * *";
                break;
            default:
                break;
        }

        var exception = await Assert.ThrowsAsync<ScheduleConfigurationException>(() => Service.AddOrUpdateAsync(definition));

        Assert.Contains(expected, Assert.Single(exception.Errors), StringComparison.Ordinal);
        Assert.Equal(definition.Id, exception.ScheduleId);
        Assert.Empty(await Service.ListAsync());
    }

    [Fact]
    public async Task AddOrUpdate_SeveralBrokenRules_ListsEveryOne()
    {
        var exception = await Assert.ThrowsAsync<ScheduleConfigurationException>(() =>
            Service.AddOrUpdateAsync(new ScheduleDefinition { Id = "x", Interval = TimeSpan.Zero, TimeZone = "UTC" }));

        Assert.Equal(3, exception.Errors.Count);
        Assert.StartsWith("Schedule configuration has 3 errors:", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Methods_ArgValidation()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => Service.AddOrUpdateAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Service.GetAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Service.PauseAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Service.ResumeAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Service.DeleteAsync(null!));
        Assert.Throws<ArgumentNullException>(() => ((IAgentManagerBuilder)null!).AddSchedules());
        Assert.Throws<ArgumentNullException>(() => new ScheduleConfigurationException(null!));
        Assert.Throws<ArgumentException>(() => new ScheduleConfigurationException([]));
    }

    [Fact]
    public void Options_Defaults_AreDocumented()
    {
        var options = new ScheduleOptions();

        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), null), (options.RefreshInterval, options.MissedRunTolerance, options.ConfigDirectory));
        Assert.Empty(options.Schedules);
        Assert.Equal((MissedRunPolicy.Skip, false, false), (Hourly().MissedRunPolicy, Hourly().AllowOverlap, Hourly().Paused));
    }

    [Fact]
    public void Options_Invalid_ReportEveryProblemWhenRead()
    {
        var services = new ServiceCollection();
        services.AddAgentManager().AddSchedules(o =>
        {
            o.RefreshInterval = TimeSpan.Zero;
            o.MissedRunTolerance = TimeSpan.FromSeconds(-1);
            o.ConfigDirectory = " ";
            o.Schedules.Add(Hourly("twice"));
            o.Schedules.Add(Hourly("twice"));
            o.Schedules.Add(new ScheduleDefinition { Id = "no-timing", WorkflowFactory = Hourly().WorkflowFactory });
        });
        using var provider = services.BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ScheduleOptions>>().Value);

        Assert.Equal(5, exception.Failures.Count());
        Assert.Contains(exception.Failures, f => f.Contains("Schedule 'twice' is defined more than once", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, f => f.Contains("Schedule 'no-timing': Cron: a schedule needs a cron expression or an interval", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Host_InvalidScheduleInOptions_DoesNotStart()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddAgentManager().AddSchedules(o => o.Schedules.Add(new ScheduleDefinition { Id = "bad", Cron = "nope", WorkflowFactory = Hourly().WorkflowFactory }));
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Schedule 'bad': Cron: 'nope' is not a valid cron expression", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSchedules_Twice_RegistersOneRunnerAndService()
    {
        var services = new ServiceCollection();
        var builder = services.AddAgentManager();

        builder.AddSchedules().AddSchedules(o => o.RefreshInterval = TimeSpan.FromSeconds(5));
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.Single(provider.GetServices<IHostedService>().OfType<ScheduleRunner>());
        Assert.Single(provider.GetServices<IScheduleService>());
        Assert.Equal(TimeSpan.FromSeconds(5), provider.GetRequiredService<IOptions<ScheduleOptions>>().Value.RefreshInterval);
    }

    [Fact]
    public void HostWithoutSchedules_HasNoScheduleServices()
    {
        var services = new ServiceCollection();
        services.AddAgentManager();
        using var provider = services.BuildServiceProvider();

        Assert.Null(provider.GetService<IScheduleService>());
        Assert.Empty(provider.GetServices<IHostedService>().OfType<ScheduleRunner>());
    }

    [Fact]
    public async Task AddOrUpdate_ConcurrentWriters_EveryChangeLands()
    {
        await Service.AddOrUpdateAsync(Hourly());
        var store = _provider.GetRequiredService<IStateStore>();

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            if (i % 2 == 0)
            {
                await Service.PauseAsync("hourly");
            }
            else
            {
                await Service.AddOrUpdateAsync(Hourly());
            }
        })));

        var stored = await store.GetScheduleAsync("hourly", CancellationToken.None);
        Assert.True(stored!.Paused);
    }
}

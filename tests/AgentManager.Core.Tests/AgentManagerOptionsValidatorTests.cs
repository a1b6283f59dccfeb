using AgentManager.Schedules;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentManager.Tests;

public sealed class AgentManagerOptionsValidatorTests
{
    private const string LimitRule = "at most 49.17:02:47.2940000 (about 49.7 days, the longest delay a timer accepts).";
    private static readonly TimeSpan AboveLimit = TimeSpan.FromDays(50);

    [Theory]
    [InlineData("DefaultTaskTimeout", "must be positive and ")]
    [InlineData("VerificationTimeout", "must be positive and ")]
    [InlineData("InboxPollInterval", "must be positive and ")]
    [InlineData("Retry.MaxDelay", "must not be negative and ")]
    [InlineData("Repair.HumanDeadline", "must be positive and ")]
    public void Validate_TimeoutAboveTimerLimit_FailsNamingTheValueAndTheRule(string option, string rule)
    {
        var options = new AgentManagerOptions();
        Set(options, option, AboveLimit);

        var result = new AgentManagerOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal([$"{option} is 50.00:00:00; it {rule}{LimitRule}"], result.Failures);
    }

    [Fact]
    public void Validate_RetryDelaysAboveTimerLimit_ReportsBoth()
    {
        var options = new AgentManagerOptions();
        options.Retry.InitialDelay = AboveLimit;
        options.Retry.MaxDelay = AboveLimit;

        var result = new AgentManagerOptionsValidator().Validate(null, options);

        Assert.Equal(
            [$"Retry.InitialDelay is 50.00:00:00; it must not be negative and {LimitRule}", $"Retry.MaxDelay is 50.00:00:00; it must not be negative and {LimitRule}"],
            result.Failures);
    }

    [Fact]
    public void Validate_EveryTimeoutAtTheTimerLimit_Succeeds()
    {
        var options = new AgentManagerOptions { DefaultTaskTimeout = TimerLimit.Max, VerificationTimeout = TimerLimit.Max, InboxPollInterval = TimerLimit.Max };
        options.Retry.MaxDelay = TimerLimit.Max;
        options.Repair.HumanDeadline = TimerLimit.Max;

        Assert.True(new AgentManagerOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void TimerLimit_IsTheLongestDelayATimerAccepts()
    {
        using var atLimit = new CancellationTokenSource(TimerLimit.Max);

        Assert.Throws<ArgumentOutOfRangeException>(() => new CancellationTokenSource(TimerLimit.Max + TimeSpan.FromMilliseconds(1)));
    }

    [Fact]
    public async Task HostStart_DefaultTaskTimeoutAboveTimerLimit_FailsWithTheOptionNotInATimer()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAgentManager(o => o.DefaultTaskTimeout = TimeSpan.FromDays(60));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"DefaultTaskTimeout is 60.00:00:00; it must be positive and {LimitRule}", ex.Failures);
    }

    [Fact]
    public void ScheduleOptions_RefreshIntervalAboveTimerLimit_IsRefused()
    {
        var services = new ServiceCollection();
        services.AddAgentManager().AddSchedules(o => o.RefreshInterval = AboveLimit);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ScheduleOptions>>().Value);

        Assert.Contains($"RefreshInterval is 50.00:00:00; it must be positive and {LimitRule}", ex.Failures);
    }

    private static void Set(AgentManagerOptions options, string option, TimeSpan value)
    {
        switch (option)
        {
            case "DefaultTaskTimeout": options.DefaultTaskTimeout = value; break;
            case "VerificationTimeout": options.VerificationTimeout = value; break;
            case "InboxPollInterval": options.InboxPollInterval = value; break;
            case "Retry.MaxDelay": options.Retry.MaxDelay = value; break;
            case "Repair.HumanDeadline": options.Repair.HumanDeadline = value; break;
            default: throw new ArgumentOutOfRangeException(nameof(option), option, "Not a timeout option of this test.");
        }
    }
}

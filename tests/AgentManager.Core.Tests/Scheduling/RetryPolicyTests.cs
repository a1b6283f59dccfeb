using AgentManager.Scheduling;
using CsCheck;

namespace AgentManager.Tests.Scheduling;

public sealed class RetryPolicyTests
{
    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var policy = new RetryPolicy();
        Assert.Equal(3, policy.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(1), policy.InitialDelay);
        Assert.Equal(2.0, policy.BackoffMultiplier);
        Assert.Equal(TimeSpan.FromMinutes(5), policy.MaxDelay);
        Assert.Equal(0.2, policy.JitterRatio);
        Assert.Empty(policy.Validate());
    }

    [Fact]
    public void GetDelay_WithoutJitter_GrowsExponentiallyUpToTheCap()
    {
        var policy = new RetryPolicy { InitialDelay = TimeSpan.FromSeconds(1), BackoffMultiplier = 3, MaxDelay = TimeSpan.FromSeconds(20), JitterRatio = 0 };

        Assert.Equal(TimeSpan.FromSeconds(1), policy.GetDelay(1, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(3), policy.GetDelay(2, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(9), policy.GetDelay(3, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(20), policy.GetDelay(4, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(20), policy.GetDelay(int.MaxValue, 0.5));
    }

    [Fact]
    public void GetDelay_AnyAttemptAndRandom_StaysWithinJitterBandAndCap() =>
        Gen.Select(Gen.Int[1, 40], Gen.Double[0, 0.999999], Gen.Double[0, 1]).Sample((attempt, random, jitter) =>
        {
            var policy = new RetryPolicy { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(30), JitterRatio = jitter };
            var nominal = Math.Min(100 * Math.Pow(2, attempt - 1), 30_000);
            var delay = policy.GetDelay(attempt, random).TotalMilliseconds;
            Assert.InRange(delay, (nominal * (1 - jitter)) - 0.001, Math.Min(nominal * (1 + jitter), 30_000) + 0.001);
        });

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void GetDelay_AttemptBelowOne_Throws(int attempt) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy().GetDelay(attempt, 0.5));

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void GetDelay_RandomOutsideUnitInterval_Throws(double random) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy().GetDelay(1, random));

    [Fact]
    public void Validate_EveryRuleBroken_ListsEachWithItsProperty()
    {
        var policy = new RetryPolicy
        {
            MaxAttempts = 0,
            InitialDelay = TimeSpan.FromSeconds(-1),
            BackoffMultiplier = 0.5,
            MaxDelay = TimeSpan.FromSeconds(-2),
            JitterRatio = 2,
        };

        var errors = policy.Validate("Retry.");

        Assert.Equal(5, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Retry.MaxAttempts is 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Retry.InitialDelay", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Retry.BackoffMultiplier is 0.5", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Retry.MaxDelay", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Retry.JitterRatio is 2", StringComparison.Ordinal));
    }
}

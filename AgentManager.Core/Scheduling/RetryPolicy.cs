namespace AgentManager.Scheduling;

/// <summary>How often and how soon a failed task attempt is tried again: exponential backoff with jitter.</summary>
public sealed class RetryPolicy
{
    /// <summary>Gets or sets how many attempts a task gets in all, the first included.</summary>
    /// <value>The default is 3. Must be at least 1.</value>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Gets or sets the delay before the second attempt.</summary>
    /// <value>The default is 1 second. Must not be negative; at most 49.7 days (what a timer accepts).</value>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the factor by which the delay grows after each failed attempt.</summary>
    /// <value>The default is 2. Must be at least 1.</value>
    public double BackoffMultiplier { get; set; } = 2.0;

    /// <summary>Gets or sets the longest delay between two attempts, jitter included.</summary>
    /// <value>The default is 5 minutes. Must be at least <see cref="InitialDelay"/> and at most 49.7 days (what a timer accepts).</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the share of the delay that is randomized, so that retries of many tasks spread out.</summary>
    /// <value>The default is 0.2 (±20%). Must be between 0 and 1.</value>
    public double JitterRatio { get; set; } = 0.2;

    /// <summary>Computes the delay after a failed attempt.</summary>
    /// <param name="failedAttempt">The number of the attempt that failed, from 1.</param>
    /// <param name="random">A uniformly random number in [0, 1) that chooses the jitter.</param>
    /// <returns>The delay, between zero and <see cref="MaxDelay"/>.</returns>
    public TimeSpan GetDelay(int failedAttempt, double random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempt, 1);
        if (random is < 0 or >= 1 || double.IsNaN(random))
        {
            throw new ArgumentOutOfRangeException(nameof(random), random, "The random number must be in [0, 1).");
        }

        var exponent = Math.Min(failedAttempt - 1, 1000);
        var baseTicks = InitialDelay.Ticks * Math.Pow(BackoffMultiplier, exponent);
        var jitter = 1 + (JitterRatio * ((2 * random) - 1));
        var ticks = Math.Min(baseTicks * jitter, MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)Math.Max(0, ticks));
    }

    /// <summary>Lists every rule this policy breaks, each as a sentence naming the property.</summary>
    /// <param name="prefix">Prepended to property names, e.g. <c>Retry.</c>.</param>
    /// <returns>The failures; empty when the policy is valid.</returns>
    public IReadOnlyList<string> Validate(string prefix = "")
    {
        var errors = new List<string>();
        if (MaxAttempts < 1)
        {
            errors.Add($"{prefix}{nameof(MaxAttempts)} is {MaxAttempts}; it must be at least 1.");
        }

        if (TimerLimit.CheckNonNegative(prefix + nameof(InitialDelay), InitialDelay) is { } initialDelayError)
        {
            errors.Add(initialDelayError);
        }

        if (BackoffMultiplier < 1 || double.IsNaN(BackoffMultiplier))
        {
            errors.Add($"{prefix}{nameof(BackoffMultiplier)} is {BackoffMultiplier}; it must be at least 1.");
        }

        if (MaxDelay < InitialDelay)
        {
            errors.Add($"{prefix}{nameof(MaxDelay)} is {MaxDelay}; it must be at least {nameof(InitialDelay)} ({InitialDelay}).");
        }
        else if (TimerLimit.CheckNonNegative(prefix + nameof(MaxDelay), MaxDelay) is { } maxDelayError)
        {
            errors.Add(maxDelayError);
        }

        if (JitterRatio is < 0 or > 1 || double.IsNaN(JitterRatio))
        {
            errors.Add($"{prefix}{nameof(JitterRatio)} is {JitterRatio}; it must be between 0 and 1.");
        }

        return errors;
    }
}

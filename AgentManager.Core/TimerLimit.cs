namespace AgentManager;

/// <summary>The longest due time that timers accept: <see cref="TimeProvider.CreateTimer"/>,
/// <c>Task.Delay</c> and <see cref="CancellationTokenSource"/> all refuse more than 2^32 - 2 milliseconds,
/// so an option used as such a delay is checked against it when the host starts.</summary>
internal static class TimerLimit
{
    /// <summary>4294967294 ms, about 49.7 days.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>Checks a delay that must be positive and fit a timer.</summary>
    /// <param name="name">The option's name as the message shows it, e.g. <c>Retry.MaxDelay</c>.</param>
    /// <param name="value">The option's value.</param>
    /// <returns>A sentence naming the option, its value and the rule; <see langword="null"/> when the value is valid.</returns>
    public static string? CheckPositive(string name, TimeSpan value) =>
        value <= TimeSpan.Zero || value > Max ? $"{name} is {value}; it must be positive and at most {Max} ({Rule})." : null;

    /// <summary>Checks a delay that may be zero and must fit a timer.</summary>
    /// <param name="name">The option's name as the message shows it.</param>
    /// <param name="value">The option's value.</param>
    /// <returns>A sentence naming the option, its value and the rule; <see langword="null"/> when the value is valid.</returns>
    public static string? CheckNonNegative(string name, TimeSpan value) =>
        value < TimeSpan.Zero || value > Max ? $"{name} is {value}; it must not be negative and at most {Max} ({Rule})." : null;

    private const string Rule = "about 49.7 days, the longest delay a timer accepts";
}

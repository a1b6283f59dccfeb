using System.Globalization;

namespace AgentManager.Samples.Console;

/// <summary>Option values shared by the commands' parsers.</summary>
internal static class CommandArgs
{
    /// <summary>Takes the value after the option at <paramref name="i"/>.</summary>
    public static string Value(string[] args, ref int i) =>
        i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value.");

    /// <summary>Reads <c>--wait SECONDS</c>: 0 or more, fractions allowed.</summary>
    public static TimeSpan Wait(string[] args, ref int i)
    {
        var wait = Value(args, ref i);
        return double.TryParse(wait, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new UsageException($"--wait '{wait}' is not a number of seconds (0 or more).");
    }
}

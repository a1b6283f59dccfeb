using System.Globalization;

namespace AgentManager.Samples.Console;

/// <summary>Option values shared by the commands' parsers.</summary>
internal static class CommandArgs
{
    /// <summary>Parses a command line, or writes why it cannot and the usage to <paramref name="stderr"/>.</summary>
    /// <returns>The parsed arguments, or <see langword="null"/> for bad input.</returns>
    public static async Task<T?> ParseAsync<T>(Func<T> parse, string usage, TextWriter stderr)
        where T : class
    {
        try
        {
            return parse();
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            await stderr.WriteLineAsync(usage);
            return null;
        }
    }

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

namespace AgentManager.Tests.Execution;

/// <summary>Waits for something outside the test (a file, a process exit) with a generous bound.</summary>
internal static class Poll
{
    private const int Attempts = 1200;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < Attempts; i++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(Interval);
        }

        Assert.Fail($"Gave up waiting for {what}.");
    }

    /// <summary>Tells whether a process is running; a zombie (dead, not yet reaped) counts as gone.</summary>
    public static bool IsAlive(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }

        // The state follows the parenthesised command name, which may itself contain parentheses.
        var state = stat[stat.LastIndexOf(')') + 2];
        return state is not ('Z' or 'X');
    }
}

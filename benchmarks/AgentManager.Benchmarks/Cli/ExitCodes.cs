namespace AgentManager.Benchmarks.Cli;

internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The run did not finish: a timeout or an engine that did not complete every task.</summary>
    public const int RunFailed = 1;

    /// <summary>Bad input, or an option that is not available yet.</summary>
    public const int BadInput = 2;
}

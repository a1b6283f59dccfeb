namespace AgentManager.Benchmarks.Cli;

/// <summary>Bad command-line input; the runner prints the message and exits with code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

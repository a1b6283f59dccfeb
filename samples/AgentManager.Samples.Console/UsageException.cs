namespace AgentManager.Samples.Console;

/// <summary>A command line the console cannot accept; the message says which argument and why.</summary>
internal sealed class UsageException(string message) : Exception(message);

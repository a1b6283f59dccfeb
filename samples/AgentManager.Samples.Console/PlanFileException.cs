namespace AgentManager.Samples.Console;

/// <summary>A plan file that cannot be run; the message names the file, the field and the rule.</summary>
internal sealed class PlanFileException(string message) : Exception(message);

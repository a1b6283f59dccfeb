namespace AgentManager.Tests.Execution;

/// <summary>Tests that measure process-wide allocations run alone, so other tests do not add to them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialExecution
{
    public const string Name = "Execution serial";
}

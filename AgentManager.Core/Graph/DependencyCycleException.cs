namespace AgentManager.Graph;

/// <summary>Raised when dependencies would form a cycle; the graph is left unchanged.</summary>
public sealed class DependencyCycleException : AgentManagerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="cycle">The cycle in "depends on" order, first and last the same task.</param>
    /// <param name="attempted">What was being added, for the message.</param>
    public DependencyCycleException(IReadOnlyList<string> cycle, string attempted)
        : base($"{attempted} would create a cycle: {string.Join(" -> ", cycle)} (each task depends on the next).")
    {
        Cycle = cycle;
    }

    /// <summary>Gets the cycle in "depends on" order: each task depends on the next, and the last is the first.</summary>
    public IReadOnlyList<string> Cycle { get; }
}

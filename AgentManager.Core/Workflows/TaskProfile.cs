using AgentManager.Execution;

namespace AgentManager.Workflows;

/// <summary>The compiled settings of a task that do not change while it runs and that tasks of a workflow usually have
/// in common: the compiler gives tasks with equal settings one instance (most workflows have a handful), so that a
/// <see cref="TaskRuntime"/> holds a reference instead of a dozen fields.</summary>
internal sealed class TaskProfile
{
    public required string Prompt { get; init; }

    public required string AgentId { get; init; }

    public required IAgentRunner Runner { get; init; }

    public required string[] Resources { get; init; }

    public string? Workdir { get; init; }

    public required int MaxAttempts { get; init; }

    public required TimeSpan Timeout { get; init; }

    public IVerifier? Verifier { get; init; }

    public required IReadOnlyList<string> Artifacts { get; init; }

    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    /// <summary>Gets the task's copy of its repair policy.</summary>
    public required RepairPolicy Repair { get; init; }

    /// <summary>Gets the runner of the L2 agent, when L2 is on.</summary>
    public IAgentRunner? RepairRunner { get; init; }

    /// <summary>Gets the runner of the L3 agent, when L3 is on.</summary>
    public IAgentRunner? EscalationRunner { get; init; }

    /// <summary>Whether a task without artifacts or metadata of its own and with these settings can use this profile: the
    /// same values, and the same instances where the engine compares or mutates by reference (runner, verifier, policy,
    /// whose L2 and L3 runners come with it).</summary>
    public bool Matches(string prompt, string agentId, IAgentRunner runner, ReadOnlySpan<string> resources, string? workdir, int maxAttempts, TimeSpan timeout, IVerifier? verifier, RepairPolicy repair) =>
        Artifacts.Count == 0 && Metadata.Count == 0
        && string.Equals(Prompt, prompt, StringComparison.Ordinal)
        && string.Equals(AgentId, agentId, StringComparison.Ordinal)
        && ReferenceEquals(Runner, runner)
        && resources.SequenceEqual(Resources)
        && string.Equals(Workdir, workdir, StringComparison.Ordinal)
        && MaxAttempts == maxAttempts
        && Timeout == timeout
        && ReferenceEquals(Verifier, verifier)
        && ReferenceEquals(Repair, repair);
}

namespace AgentManager.Agents;

/// <summary>How an agent's tasks share its working directory. Wire names (profile files):
/// <c>isolated</c>, <c>shared</c>, <c>temporary</c>.</summary>
/// <remarks>See <see cref="TaskWorkdir.Prepare"/> for the directories each mode uses.</remarks>
public enum WorkdirMode
{
    /// <summary>One directory per task under the agent's root, kept after the task.</summary>
    Isolated,

    /// <summary>Every task of the agent works in the agent's root itself.</summary>
    Shared,

    /// <summary>One directory per task under the agent's root, removed after the task.</summary>
    Temporary,
}

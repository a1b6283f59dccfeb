namespace AgentManager.Persistence.Checkpoints;

/// <summary>What a checkpoint entry holds.</summary>
public enum CheckpointEntryKind
{
    /// <summary>The agent's output.</summary>
    AgentOutput,

    /// <summary>The verification's output.</summary>
    VerificationOutput,

    /// <summary>A file the task declared under its working directory.</summary>
    Artifact,
}

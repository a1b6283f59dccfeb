namespace AgentManager.Persistence.Checkpoints;

/// <summary>Whether a checkpoint entry's content was stored, or why not.</summary>
public enum CheckpointEntryStatus
{
    /// <summary>The content is stored; <see cref="CheckpointEntry.Key"/>, <see cref="CheckpointEntry.Size"/>
    /// and <see cref="CheckpointEntry.Sha256"/> describe it.</summary>
    Stored,

    /// <summary>The declared artifact did not exist when the checkpoint was saved.</summary>
    Missing,

    /// <summary>The declared artifact path breaks the working-directory policy (absolute, <c>..</c>, a link
    /// leading outside) or names a directory rather than a file.</summary>
    Refused,

    /// <summary>The content is larger than the store's per-entry limit.</summary>
    TooLarge,

    /// <summary>The declared artifact exists but could not be read.</summary>
    Unreadable,
}

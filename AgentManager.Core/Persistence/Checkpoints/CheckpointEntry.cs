namespace AgentManager.Persistence.Checkpoints;

/// <summary>One piece of content of a checkpoint, or the record of why a declared artifact is absent.</summary>
public sealed record CheckpointEntry
{
    /// <summary>Gets the entry name, unique in its checkpoint: <see cref="CheckpointEntryNames.AgentOutput"/>,
    /// <see cref="CheckpointEntryNames.VerificationOutput"/> or <c>artifacts/&lt;path&gt;</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Gets what the entry holds.</summary>
    public required CheckpointEntryKind Kind { get; init; }

    /// <summary>Gets whether the content was stored, or why not.</summary>
    public required CheckpointEntryStatus Status { get; init; }

    /// <summary>Gets the store's reference to the content (a relative path or an object key); opaque to callers.</summary>
    /// <value><see langword="null"/> unless <see cref="Status"/> is <see cref="CheckpointEntryStatus.Stored"/>.</value>
    public string? Key { get; init; }

    /// <summary>Gets the size of the stored content in bytes; 0 when nothing was stored.</summary>
    public long Size { get; init; }

    /// <summary>Gets the SHA-256 of the stored content as 64 lowercase hexadecimal digits.</summary>
    /// <value><see langword="null"/> unless <see cref="Status"/> is <see cref="CheckpointEntryStatus.Stored"/>.</value>
    public string? Sha256 { get; init; }

    /// <summary>Gets the artifact path as the task declared it.</summary>
    /// <value><see langword="null"/> for the agent and verification outputs.</value>
    public string? SourcePath { get; init; }

    /// <summary>Gets a sentence saying why the content was not stored.</summary>
    /// <value><see langword="null"/> when <see cref="Status"/> is <see cref="CheckpointEntryStatus.Stored"/>.</value>
    public string? Error { get; init; }
}

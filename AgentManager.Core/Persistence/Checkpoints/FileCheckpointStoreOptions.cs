namespace AgentManager.Persistence.Checkpoints;

/// <summary>Settings of the file-system checkpoint store.</summary>
public sealed class FileCheckpointStoreOptions
{
    /// <summary>The default of <see cref="MaxEntryBytes"/>: 64 MiB.</summary>
    public const long DefaultMaxEntryBytes = 64L * 1024 * 1024;

    /// <summary>Gets or sets the directory that holds the checkpoints; created when missing.</summary>
    /// <value>The default is <c>agentmanager-data/checkpoints</c>, relative to the current directory.</value>
    public string RootDirectory { get; set; } = Path.Combine("agentmanager-data", "checkpoints");

    /// <summary>Gets or sets the largest entry stored, in bytes; a larger output or artifact is recorded as
    /// <see cref="CheckpointEntryStatus.TooLarge"/> instead.</summary>
    /// <value>The default is <see cref="DefaultMaxEntryBytes"/> (64 MiB). Must not be negative.</value>
    public long MaxEntryBytes { get; set; } = DefaultMaxEntryBytes;
}

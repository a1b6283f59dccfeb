namespace AgentManager.Persistence.Checkpoints;

/// <summary>A stored checkpoint of one task attempt: where each entry's content is, its size and hash.</summary>
public sealed record CheckpointRecord
{
    /// <summary>The manifest schema version this version of AgentManager writes.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Gets the schema version of the manifest the record was read from.</summary>
    /// <value>The default is <see cref="CurrentSchemaVersion"/>.</value>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Gets the workflow id.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Gets the task id.</summary>
    public required string TaskId { get; init; }

    /// <summary>Gets the attempt number, from 1.</summary>
    public required int Attempt { get; init; }

    /// <summary>Gets when the checkpoint was saved, from the store's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the metadata of the write.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the entries: agent output, verification output, then artifacts in declaration order.</summary>
    public IReadOnlyList<CheckpointEntry> Entries { get; init; } = [];

    /// <summary>Gets the total size in bytes of the stored content of every entry.</summary>
    public long TotalSize => Entries.Sum(e => e.Size);

    /// <summary>Finds an entry by name (ordinal comparison).</summary>
    /// <param name="name">The entry name, e.g. <see cref="CheckpointEntryNames.AgentOutput"/>.</param>
    /// <returns>The entry, or <see langword="null"/> when the record has none of that name.</returns>
    public CheckpointEntry? FindEntry(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var entry in Entries)
        {
            if (string.Equals(entry.Name, name, StringComparison.Ordinal))
            {
                return entry;
            }
        }

        return null;
    }
}

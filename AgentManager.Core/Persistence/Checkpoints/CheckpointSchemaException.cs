namespace AgentManager.Persistence.Checkpoints;

/// <summary>Raised when a checkpoint manifest has a schema version this version of AgentManager cannot
/// read (written by a newer version, or damaged); the manifest is not misread.</summary>
public sealed class CheckpointSchemaException : AgentManagerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="location">The manifest's file path or object key.</param>
    /// <param name="foundVersion">The version found, or <see langword="null"/> when the manifest has none.</param>
    /// <param name="supportedVersions">The versions this reader supports.</param>
    public CheckpointSchemaException(string location, int? foundVersion, IReadOnlyList<int> supportedVersions)
        : base(Format(location, foundVersion, supportedVersions))
    {
        Location = location;
        FoundVersion = foundVersion;
        SupportedVersions = supportedVersions;
    }

    /// <summary>Gets the manifest's file path or object key.</summary>
    public string Location { get; }

    /// <summary>Gets the schema version found, or <see langword="null"/> when the manifest has none.</summary>
    public int? FoundVersion { get; }

    /// <summary>Gets the schema versions this reader supports.</summary>
    public IReadOnlyList<int> SupportedVersions { get; }

    private static string Format(string location, int? found, IReadOnlyList<int> supported)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(supported);
        var versions = string.Join(", ", supported);
        return found is { } version
            ? $"The checkpoint manifest '{location}' has schema version {version}, which this version of AgentManager cannot read (it reads schema version {versions}); it was not read. Upgrade AgentManager to read it."
            : $"The checkpoint manifest '{location}' has no schema version (this version of AgentManager reads schema version {versions}); it was not read.";
    }
}

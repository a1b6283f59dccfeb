using System.Collections.ObjectModel;

namespace AgentManager.Memory;

/// <summary>One piece of long-term memory: a text with its namespace, tags and metadata. Immutable; the
/// vector that makes it searchable lives in the <see cref="IVectorIndex"/>, next to it.</summary>
public sealed class MemoryRecord
{
    /// <summary>The namespace of records that name none.</summary>
    public const string DefaultNamespace = "default";

    private readonly string id = "";
    private readonly string @namespace = DefaultNamespace;
    private readonly string text = "";
    private readonly IReadOnlyList<string> tags = ReadOnlyCollection<string>.Empty;
    private readonly IReadOnlyDictionary<string, string> metadata = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>Gets the id: any non-blank string, unique in an index; upserting the same id replaces the record.</summary>
    /// <exception cref="ArgumentException">Set to a blank string.</exception>
    public required string Id
    {
        get => id;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(Id));
            id = value;
        }
    }

    /// <summary>Gets the namespace, which searches can be limited to; a valid id (see <see cref="Ids"/>).</summary>
    /// <value>The default is <see cref="DefaultNamespace"/>.</value>
    /// <exception cref="ArgumentException">Set to a value that is not a valid id.</exception>
    public string Namespace
    {
        get => @namespace;
        init
        {
            Ids.ThrowIfInvalid(value, nameof(Namespace));
            @namespace = value;
        }
    }

    /// <summary>Gets the remembered text, the part that is embedded.</summary>
    /// <exception cref="ArgumentException">Set to a blank string.</exception>
    public required string Text
    {
        get => text;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(Text));
            text = value;
        }
    }

    /// <summary>Gets the tags, distinct and in their first order; compared ordinally (case-sensitive).</summary>
    /// <value>The default is empty.</value>
    /// <exception cref="ArgumentException">A tag is null or blank.</exception>
    public IReadOnlyList<string> Tags
    {
        get => tags;
        init => tags = MemoryChecks.Tags(value, nameof(Tags));
    }

    /// <summary>Gets free-form values kept with the record and returned by searches.</summary>
    /// <value>The default is empty.</value>
    /// <exception cref="ArgumentException">A value is null.</exception>
    public IReadOnlyDictionary<string, string> Metadata
    {
        get => metadata;
        init => metadata = MemoryChecks.Metadata(value, nameof(Metadata));
    }

    /// <summary>Gets when the record was made.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"{Namespace}/{Id}";
}

namespace AgentManager.Memory;

/// <summary>Which records a search or count looks at: those in a namespace and carrying every one of
/// some tags. An empty filter matches every record.</summary>
public sealed class MemoryFilter
{
    private readonly IReadOnlyList<string> tags = [];
    private readonly string? @namespace;

    /// <summary>Gets a filter that matches every record.</summary>
    public static MemoryFilter None { get; } = new();

    /// <summary>Gets the namespace the records must be in, or <see langword="null"/> for any namespace.</summary>
    /// <exception cref="ArgumentException">Set to a value that is not a valid id (see <see cref="Ids"/>).</exception>
    public string? Namespace
    {
        get => @namespace;
        init
        {
            if (value is not null)
            {
                Ids.ThrowIfInvalid(value, nameof(Namespace));
            }

            @namespace = value;
        }
    }

    /// <summary>Gets the tags a record must all carry (compared ordinally); empty for no tag condition.</summary>
    /// <exception cref="ArgumentException">A tag is null or blank.</exception>
    public IReadOnlyList<string> Tags
    {
        get => tags;
        init => tags = MemoryChecks.Tags(value, nameof(Tags));
    }

    /// <summary>Tells whether a record passes the filter.</summary>
    /// <param name="record">The record.</param>
    /// <returns><see langword="true"/> when it is in the namespace (if one is set) and carries every tag.</returns>
    public bool Matches(MemoryRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (Namespace is not null && !string.Equals(Namespace, record.Namespace, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var tag in Tags)
        {
            if (!record.Tags.Contains(tag, StringComparer.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"namespace={Namespace ?? "*"}, tags=[{string.Join(", ", Tags)}]";
}

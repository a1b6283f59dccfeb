namespace AgentManager.Memory;

/// <summary>How many and which memories to put into an agent's prompt context; see
/// <see cref="SemanticMemory.RecallContextAsync"/>. Immutable, so a profile can hold one.</summary>
public sealed class MemoryContextOptions
{
    private readonly int topK = 3;
    private readonly double minScore = 0.2;
    private readonly int maxCharsPerMemory = 1000;
    private readonly string? @namespace;
    private readonly IReadOnlyList<string> tags = [];

    /// <summary>Gets the most memories to include.</summary>
    /// <value>The default is 3.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int TopK
    {
        get => topK;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(TopK));
            topK = value;
        }
    }

    /// <summary>Gets the lowest cosine similarity a memory needs to be included, from -1 to 1.</summary>
    /// <value>The default is 0.2, which with the default <see cref="HashingEmbeddingGenerator"/> keeps texts
    /// sharing a few words and drops unrelated ones.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set outside -1 to 1.</exception>
    public double MinScore
    {
        get => minScore;
        init
        {
            if (!(value is >= -1 and <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(MinScore), value, "MinScore must be from -1 to 1.");
            }

            minScore = value;
        }
    }

    /// <summary>Gets the longest text of one memory, in characters; a longer one is cut and ends with <c>…</c>.</summary>
    /// <value>The default is 1000.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 20.</exception>
    public int MaxCharsPerMemory
    {
        get => maxCharsPerMemory;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 20, nameof(MaxCharsPerMemory));
            maxCharsPerMemory = value;
        }
    }

    /// <summary>Gets the namespace to recall from, or <see langword="null"/> for every namespace.</summary>
    /// <value>The default is <see langword="null"/>.</value>
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

    /// <summary>Gets the tags a memory must all carry to be included.</summary>
    /// <value>The default is empty.</value>
    /// <exception cref="ArgumentException">A tag is null or blank.</exception>
    public IReadOnlyList<string> Tags
    {
        get => tags;
        init => tags = MemoryChecks.Tags(value, nameof(Tags));
    }

    /// <summary>Gets the filter made of <see cref="Namespace"/> and <see cref="Tags"/>.</summary>
    public MemoryFilter Filter => new() { Namespace = Namespace, Tags = Tags };
}

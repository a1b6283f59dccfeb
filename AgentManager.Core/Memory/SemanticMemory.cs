using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace AgentManager.Memory;

/// <summary>Long-term memory searched by meaning: texts are embedded with an
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> and kept in an <see cref="IVectorIndex"/>; a recall
/// embeds the query and returns the closest records. Safe to share between threads.</summary>
/// <remarks>Every record of an index must be embedded by the same model: switching models needs a new
/// index (a different dimension is refused with a <see cref="VectorDimensionMismatchException"/>; a
/// different model of the same dimension would silently give meaningless scores).</remarks>
public sealed partial class SemanticMemory
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddingGenerator;
    private readonly IVectorIndex _index;
    private readonly TimeProvider _time;

    /// <summary>Creates the memory.</summary>
    /// <param name="embeddingGenerator">Embeds texts and queries; not disposed by this class.</param>
    /// <param name="index">Keeps the records.</param>
    /// <param name="timeProvider">Stamps new records.</param>
    public SemanticMemory(IEmbeddingGenerator<string, Embedding<float>> embeddingGenerator, IVectorIndex index, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(embeddingGenerator);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _embeddingGenerator = embeddingGenerator;
        _index = index;
        _time = timeProvider;
    }

    /// <summary>Remembers a text as a new record with a fresh id.</summary>
    /// <param name="text">The text; not blank.</param>
    /// <param name="namespace">The namespace, or <see langword="null"/> for <see cref="MemoryRecord.DefaultNamespace"/>.</param>
    /// <param name="tags">Tags to filter by later, or <see langword="null"/>.</param>
    /// <param name="metadata">Values to keep with the record, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the embedding and the upsert.</param>
    /// <returns>The stored record.</returns>
    /// <exception cref="ArgumentException">The text is blank, the namespace is not a valid id, or a tag is blank.</exception>
    // RS0026: the two overloads differ in their first parameter (text or record), so optional parameters never make a call ambiguous.
#pragma warning disable RS0026
    public async Task<MemoryRecord> RememberAsync(string text, string? @namespace = null, IEnumerable<string>? tags = null, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        var record = new MemoryRecord
        {
            Id = Guid.NewGuid().ToString("N"),
            Namespace = @namespace ?? MemoryRecord.DefaultNamespace,
            Text = text,
            Tags = tags?.ToList() ?? [],
            Metadata = metadata ?? new Dictionary<string, string>(),
            CreatedAt = _time.GetUtcNow(),
        };
        await RememberAsync(record, cancellationToken).ConfigureAwait(false);
        return record;
    }

    /// <summary>Remembers a record, replacing the one with the same id; choose stable ids to make writes idempotent.</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels the embedding and the upsert.</param>
    /// <returns>A task that completes when the record is stored.</returns>
    public async Task RememberAsync(MemoryRecord record, CancellationToken cancellationToken = default)
#pragma warning restore RS0026
    {
        ArgumentNullException.ThrowIfNull(record);
        var vector = await EmbedAsync(record.Text, cancellationToken).ConfigureAwait(false);
        await _index.UpsertAsync([new VectorEntry(record, vector)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finds the records closest in meaning to a query.</summary>
    /// <param name="query">The query text; not blank.</param>
    /// <param name="topK">The most results; at least 1.</param>
    /// <param name="filter">The records to consider (namespace, tags), or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the embedding and the search.</param>
    /// <returns>Up to <paramref name="topK"/> results, highest score first.</returns>
    /// <exception cref="ArgumentException">The query is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is less than 1.</exception>
    public async Task<IReadOnlyList<MemorySearchResult>> RecallAsync(string query, int topK = 5, MemoryFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        var vector = await EmbedAsync(query, cancellationToken).ConfigureAwait(false);
        return await _index.SearchAsync(vector, topK, filter, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Recalls the memories relevant to a task as context items for
    /// <see cref="Agents.PromptBuilder.Build"/>: the best <see cref="MemoryContextOptions.TopK"/> at or above
    /// <see cref="MemoryContextOptions.MinScore"/>, most relevant first, each one paragraph of the form
    /// <c>From memory (relevance 0.62, 2026-03-04): text</c>, cut at white space to
    /// <see cref="MemoryContextOptions.MaxCharsPerMemory"/>.</summary>
    /// <param name="query">What the task is about, typically its title and prompt; a blank query recalls nothing.</param>
    /// <param name="options">How many and which memories; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the embedding and the search.</param>
    /// <returns>The context items; empty when nothing is relevant enough.</returns>
    public async Task<IReadOnlyList<string>> RecallContextAsync(string query, MemoryContextOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (string.IsNullOrWhiteSpace(query))
        {
            return [];
        }

        options ??= new MemoryContextOptions();
        var results = await RecallAsync(query, options.TopK, options.Filter, cancellationToken).ConfigureAwait(false);
        return results.Where(r => r.Score >= options.MinScore).Select(r => FormatContext(r, options.MaxCharsPerMemory)).ToList();
    }

    /// <summary>Forgets records by id; unknown ids are ignored.</summary>
    /// <param name="ids">The ids.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many records were deleted.</returns>
    public Task<int> ForgetAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default) =>
        _index.DeleteAsync(ids, cancellationToken);

    /// <summary>Counts records.</summary>
    /// <param name="filter">The records to count, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the count.</param>
    /// <returns>The count.</returns>
    public Task<long> CountAsync(MemoryFilter? filter = null, CancellationToken cancellationToken = default) =>
        _index.CountAsync(filter, cancellationToken);

    internal static string FormatContext(MemorySearchResult result, int maxChars)
    {
        var text = BlankLines().Replace(result.Record.Text.ReplaceLineEndings("\n").Trim(), "\n");
        if (text.Length > maxChars)
        {
            // Cut at white space in the second half of what is kept when there is some, else inside a word.
            var keep = maxChars - 1;
            if (char.IsHighSurrogate(text[keep - 1]))
            {
                keep--;
            }

            var space = text.LastIndexOfAny([' ', '\n', '\t'], keep);
            if (space >= keep / 2)
            {
                keep = space;
            }

            text = text[..keep].TrimEnd() + "…";
        }

        return string.Create(CultureInfo.InvariantCulture, $"From memory (relevance {result.Score:0.00}, {result.Record.CreatedAt:yyyy-MM-dd}): {text}");
    }

    private async Task<ReadOnlyMemory<float>> EmbedAsync(string text, CancellationToken cancellationToken)
    {
        var embeddings = await _embeddingGenerator.GenerateAsync([text], options: null, cancellationToken).ConfigureAwait(false);
        if (embeddings is null || embeddings.Count != 1)
        {
            throw new InvalidOperationException($"The embedding generator {_embeddingGenerator.GetType().Name} returned {embeddings?.Count ?? 0} embeddings for one text; it must return exactly one.");
        }

        return embeddings[0].Vector;
    }

    [GeneratedRegex(@"\n(?:[ \t]*\n)+")]
    private static partial Regex BlankLines();
}

using Microsoft.Extensions.AI;

namespace AgentManager.Memory;

/// <summary>An embedding generator that needs no model: feature hashing of lowercase word unigrams and
/// bigrams into a fixed number of signed dimensions, L2-normalized. It is the default embedder of agent
/// memory, so memory works offline; register any other
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> to replace it.</summary>
/// <remarks>
/// <para>Words are runs of letters and digits (<see cref="char.IsLetterOrDigit(char)"/>), lowercased with the
/// invariant culture; a text with no letter or digit falls back to its whitespace-separated runs. Each
/// unigram adds 1 and each bigram 0.5 to one dimension chosen by a stable 64-bit hash (FNV-1a with a final
/// mix), with a sign from the same hash, so unrelated features cancel out on average instead of piling
/// up. The result is the same in every process, on every platform and in every version of this class
/// with the same <see cref="ModelName"/>.</para>
/// <para>It captures shared words, not meaning: texts that use the same words (and word pairs) score high;
/// synonyms do not. A text with no characters but white space embeds to the zero vector.</para>
/// </remarks>
public sealed class HashingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The default number of dimensions.</summary>
    public const int DefaultDimensions = 384;

    /// <summary>The most dimensions accepted.</summary>
    public const int MaxDimensions = 65536;

    /// <summary>The model id reported in metadata and on every embedding; it changes whenever the
    /// vectors would, so stored vectors can be told apart.</summary>
    public const string ModelName = "agentmanager-hashing-ngram-v1";

    private const float BigramWeight = 0.5f;
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <summary>Creates the generator.</summary>
    /// <param name="dimensions">The vector length, 1 to <see cref="MaxDimensions"/>; more dimensions mean
    /// fewer collisions between words.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is out of range.</exception>
    public HashingEmbeddingGenerator(int dimensions = DefaultDimensions)
    {
        CheckDimensions(dimensions, nameof(dimensions));
        Dimensions = dimensions;
        _metadata = new EmbeddingGeneratorMetadata(nameof(HashingEmbeddingGenerator), providerUri: null, ModelName, dimensions);
    }

    /// <summary>Gets the vector length, unless a call's <see cref="EmbeddingGenerationOptions.Dimensions"/> asks for another.</summary>
    public int Dimensions { get; }

    /// <summary>Embeds texts.</summary>
    /// <param name="values">The texts.</param>
    /// <param name="options">Optional; <see cref="EmbeddingGenerationOptions.Dimensions"/> overrides
    /// <see cref="Dimensions"/> for this call, every other option is ignored.</param>
    /// <param name="cancellationToken">Cancels the work between texts.</param>
    /// <returns>One embedding per text, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its texts is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The options ask for a dimension out of range.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var dimensions = options?.Dimensions ?? Dimensions;
        CheckDimensions(dimensions, nameof(options));
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(value, nameof(values));
            result.Add(new Embedding<float>(Embed(value, dimensions)) { ModelId = ModelName });
        }

        return Task.FromResult(result);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return _metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Does nothing: the generator holds no resources.</summary>
    public void Dispose()
    {
    }

    /// <summary>Embeds one text into a unit vector (or the zero vector when it has no tokens).</summary>
    internal static float[] Embed(string text, int dimensions)
    {
        var lower = text.ToLowerInvariant();
        var tokens = Tokenize(lower, char.IsLetterOrDigit);
        if (tokens.Count == 0)
        {
            tokens = Tokenize(lower, static c => !char.IsWhiteSpace(c));
        }

        var vector = new float[dimensions];
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = lower.AsSpan(tokens[i].Start, tokens[i].Length);
            Add(vector, Finish(Feed(FnvOffset, token)), 1f);
            if (i > 0)
            {
                var previous = lower.AsSpan(tokens[i - 1].Start, tokens[i - 1].Length);
                var state = Feed(FnvOffset, previous);
                state = Feed(state, " ");
                Add(vector, Finish(Feed(state, token)), BigramWeight);
            }
        }

        Normalize(vector);
        return vector;
    }

    private static void CheckDimensions(int dimensions, string paramName)
    {
        if (dimensions is < 1 or > MaxDimensions)
        {
            throw new ArgumentOutOfRangeException(paramName, dimensions, $"The number of dimensions must be 1 to {MaxDimensions}.");
        }
    }

    private static List<(int Start, int Length)> Tokenize(string text, Func<char, bool> isTokenChar)
    {
        var tokens = new List<(int Start, int Length)>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inToken = i < text.Length && isTokenChar(text[i]);
            if (inToken && start < 0)
            {
                start = i;
            }
            else if (!inToken && start >= 0)
            {
                tokens.Add((start, i - start));
                start = -1;
            }
        }

        return tokens;
    }

    /// <summary>FNV-1a over UTF-16 code units, two bytes each, low byte first.</summary>
    private static ulong Feed(ulong state, ReadOnlySpan<char> chars)
    {
        foreach (var c in chars)
        {
            state = (state ^ (byte)c) * FnvPrime;
            state = (state ^ (byte)(c >> 8)) * FnvPrime;
        }

        return state;
    }

    /// <summary>Spreads every input bit over the whole hash, so both the bucket (low bits) and the sign (top bit) are well mixed.</summary>
    private static ulong Finish(ulong hash)
    {
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53UL;
        hash ^= hash >> 33;
        return hash;
    }

    private static void Add(float[] vector, ulong hash, float weight)
    {
        var bucket = (int)(hash % (ulong)vector.Length);
        vector[bucket] += (hash >> 63) == 0 ? weight : -weight;
    }

    private static void Normalize(float[] vector)
    {
        double sum = 0;
        foreach (var value in vector)
        {
            sum += (double)value * value;
        }

        if (sum == 0)
        {
            return;
        }

        var norm = Math.Sqrt(sum);
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)(vector[i] / norm);
        }
    }
}

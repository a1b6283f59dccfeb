using AgentManager.Memory;
using CsCheck;
using Microsoft.Extensions.AI;

namespace AgentManager.Tests.Memory;

public sealed class HashingEmbeddingGeneratorTests
{
    private static readonly Gen<string> Word = Gen.Char['a', 'z'].Array[3, 9].Select(chars => new string(chars));

    /// <summary>Texts of 6 to 20 random words.</summary>
    private static readonly Gen<string[]> Words = Word.Array[6, 20];

    private static float[] Embed(string text, int dimensions = HashingEmbeddingGenerator.DefaultDimensions) =>
        HashingEmbeddingGenerator.Embed(text, dimensions);

    private static double Cosine(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();

    private static double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));

    [Fact]
    public async Task GenerateAsync_OneEmbeddingPerText_InOrder_WithTheModelName()
    {
        using var generator = new HashingEmbeddingGenerator();

        var embeddings = await generator.GenerateAsync(["first text", "second text", ""]);

        Assert.Equal(3, embeddings.Count);
        Assert.All(embeddings, e => Assert.Equal((384, HashingEmbeddingGenerator.ModelName), (e.Vector.Length, e.ModelId)));
        Assert.Equal(Embed("second text"), embeddings[1].Vector.ToArray());
        Assert.All(embeddings[2].Vector.ToArray(), x => Assert.Equal(0f, x));
    }

    [Fact]
    public void Embed_KnownText_GivesThePinnedStableVector()
    {
        // Buckets and signs from FNV-1a (UTF-16, low byte first) with the final mix, computed independently:
        // "hello" -> 117 (-1), "world" -> 66 (+1), bigram "hello world" -> 135 (-0.5); norm 1.5.
        var vector = Embed("Hello, WORLD!");

        var nonZero = vector.Select((x, i) => (i, x)).Where(p => p.x != 0).ToArray();
        Assert.Equal([66, 117, 135], nonZero.Select(p => p.i));
        Assert.Equal(2f / 3, vector[66], 6);
        Assert.Equal(-2f / 3, vector[117], 6);
        Assert.Equal(-1f / 3, vector[135], 6);
    }

    [Fact]
    public void Embed_IgnoresCasePunctuationAndSpacing_ButNotWordOrder()
    {
        var a = Embed("the cat sat on the mat");

        Assert.Equal(a, Embed("The CAT, sat   on... the\nmat!"));
        var swapped = Cosine(a, Embed("the mat sat on the cat"));
        Assert.InRange(swapped, 0.5, 0.99);
    }

    [Fact]
    public void Embed_TextWithoutLettersOrDigits_FallsBackToWhitespaceRuns()
    {
        var vector = Embed("?? !!");

        Assert.Equal(1.0, Norm(vector), 5);
        Assert.Equal(vector, Embed("?? !!"));
        Assert.NotEqual(vector, Embed("!! ??"));
    }

    [Fact]
    public void Embed_AnyText_IsDeterministicAndUnitLengthOrZero() =>
        Gen.String.Sample(text =>
        {
            var vector = Embed(text, 64);
            Assert.Equal(vector, Embed(text, 64));
            var norm = Norm(vector);
            if (string.IsNullOrWhiteSpace(text))
            {
                Assert.Equal(0.0, norm);
            }
            else
            {
                Assert.Equal(1.0, norm, 5);
            }
        });

    [Fact]
    public void Embed_OneWordChanged_IsCloserThanAnUnrelatedText_OnAverage() =>
        Gen.Select(Words, Words, Gen.Int[0, 1000], Word).Array[20].Sample(batch =>
        {
            var changed = new List<double>();
            var unrelated = new List<double>();
            foreach (var (words, other, position, replacement) in batch)
            {
                var edited = words.ToArray();
                edited[position % edited.Length] = replacement;
                var original = Embed(string.Join(' ', words));
                changed.Add(Cosine(original, Embed(string.Join(' ', edited))));
                unrelated.Add(Cosine(original, Embed(string.Join(' ', other))));
            }

            Assert.True(changed.Average() > unrelated.Average() + 0.3, $"one word changed: {changed.Average():0.000}, unrelated: {unrelated.Average():0.000}");
        });

    [Fact]
    public void Embed_RelatedTasks_ScoreAboveTheDefaultContextThreshold_UnrelatedBelow()
    {
        var stored = Embed("Task 'build' of workflow 'nightly': failed after 3 attempts. Error: dotnet build failed: CS1002 ; expected in Program.cs");

        var related = Cosine(stored, Embed("fix the dotnet build error in Program.cs"));
        var unrelated = Cosine(stored, Embed("write the release notes for the marketing team"));

        Assert.True(related >= new MemoryContextOptions().MinScore, $"related: {related:0.000}");
        Assert.True(unrelated < new MemoryContextOptions().MinScore, $"unrelated: {unrelated:0.000}");
    }

    [Fact]
    public async Task GenerateAsync_OptionsDimensions_OverrideTheDefault()
    {
        using var generator = new HashingEmbeddingGenerator(32);

        var own = await generator.GenerateAsync(["some words here"]);
        var asked = await generator.GenerateAsync(["some words here"], new EmbeddingGenerationOptions { Dimensions = 1000 });

        Assert.Equal(32, own[0].Vector.Length);
        Assert.Equal(1000, asked[0].Vector.Length);
        Assert.Equal(32, generator.Dimensions);
    }

    [Fact]
    public void GetService_ReturnsMetadataAndItself_NothingForKeysOrOtherTypes()
    {
        using var generator = new HashingEmbeddingGenerator(128);

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal((nameof(HashingEmbeddingGenerator), HashingEmbeddingGenerator.ModelName, 128), (metadata.ProviderName, metadata.DefaultModelId, metadata.DefaultModelDimensions));
        Assert.Same(generator, generator.GetService<HashingEmbeddingGenerator>());
        Assert.Same(generator, generator.GetService(typeof(IEmbeddingGenerator<string, Embedding<float>>)));
        Assert.Null(generator.GetService(typeof(string)));
        Assert.Null(generator.GetService(typeof(EmbeddingGeneratorMetadata), "key"));
    }

    [Fact]
    public async Task ArgValidation()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashingEmbeddingGenerator(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashingEmbeddingGenerator(HashingEmbeddingGenerator.MaxDimensions + 1));
        using var generator = new HashingEmbeddingGenerator();
        await Assert.ThrowsAsync<ArgumentNullException>(() => generator.GenerateAsync((IEnumerable<string>)null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => generator.GenerateAsync(["ok", null!]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.GenerateAsync(["ok"], new EmbeddingGenerationOptions { Dimensions = 0 }));
        Assert.Throws<ArgumentNullException>(() => generator.GetService(null!));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(["a"], null, cancelled.Token));
    }
}

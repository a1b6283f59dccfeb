using AgentManager.Memory;

namespace AgentManager.Tests.Memory;

/// <summary>The behaviour every <see cref="IVectorIndex"/> must have. Each implementation gets a subclass
/// that supplies a fresh, empty index; <see cref="MemoryCoverageTests"/> checks none is missing.</summary>
public abstract class VectorIndexContractTests
{
    protected static readonly DateTimeOffset Created = new(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));

    /// <summary>Creates an empty index for one test.</summary>
    protected abstract Task<IVectorIndex> CreateIndexAsync(CancellationToken cancellationToken);

    protected static MemoryRecord Record(string id, string ns = "default", string[]? tags = null, int minute = 0) => new()
    {
        Id = id,
        Namespace = ns,
        Text = "text of " + id,
        Tags = tags ?? [],
        Metadata = new Dictionary<string, string> { ["source"] = "test", ["id"] = id },
        CreatedAt = Created.AddMinutes(minute),
    };

    protected static VectorEntry Entry(string id, float[] vector, string ns = "default", string[]? tags = null, int minute = 0) =>
        new(Record(id, ns, tags, minute), vector);

    private static Task UpsertAsync(IVectorIndex index, params VectorEntry[] entries) => index.UpsertAsync(entries, CancellationToken.None);

    private static async Task<string[]> SearchIdsAsync(IVectorIndex index, float[] query, int topK = 10, MemoryFilter? filter = null) =>
        (await index.SearchAsync(query, topK, filter, CancellationToken.None)).Select(r => r.Record.Id).ToArray();

    [Fact]
    public async Task Upsert_NewRecord_GetReadsBackEveryField()
    {
        var index = await CreateIndexAsync(CancellationToken.None);
        var record = new MemoryRecord
        {
            Id = "rec-1",
            Namespace = "team.alpha",
            Text = "The build needs the cache warmed first.\n\nSecond paragraph.",
            Tags = ["z-last", "a-first", "agent:worker"],
            Metadata = new Dictionary<string, string> { ["b"] = "2", ["a"] = "", ["unicode"] = "é ✓" },
            CreatedAt = Created,
        };

        await index.UpsertAsync([new VectorEntry(record, new float[] { 1, 2, 3 })], CancellationToken.None);

        var read = await index.GetAsync("rec-1", CancellationToken.None);
        Assert.NotNull(read);
        Assert.Equal((record.Id, record.Namespace, record.Text), (read.Id, read.Namespace, read.Text));
        Assert.Equal(["z-last", "a-first", "agent:worker"], read.Tags);
        Assert.Equal(record.Metadata.OrderBy(p => p.Key), read.Metadata.OrderBy(p => p.Key));
        Assert.Equal(Created, read.CreatedAt);
        Assert.Equal(Created.Offset, read.CreatedAt.Offset);
        Assert.Equal(1, await index.CountAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Upsert_SameId_ReplacesRecordTagsAndVector()
    {
        var index = await CreateIndexAsync(CancellationToken.None);
        await UpsertAsync(index, Entry("a", [1, 0, 0], tags: ["old"]), Entry("b", [0, 1, 0]));

        await UpsertAsync(index, new VectorEntry(Record("a", "other", ["new"]), new float[] { 0, 0, 1 }));

        Assert.Equal(2, await index.CountAsync(null, CancellationToken.None));
        var read = await index.GetAsync("a", CancellationToken.None);
        Assert.Equal("other", read!.Namespace);
        Assert.Equal(["new"], read.Tags);
        Assert.Equal(0, await index.CountAsync(new MemoryFilter { Tags = ["old"] }, CancellationToken.None));
        Assert.Equal(1, await index.CountAsync(new MemoryFilter { Tags = ["new"] }, CancellationToken.None));
        var best = (await index.SearchAsync(new float[] { 0, 0, 1 }, 1, null, CancellationToken.None)).Single();
        Assert.Equal("a", best.Record.Id);
        Assert.Equal(1.0, best.Score, 5);
    }

    [Fact]
    public async Task Delete_RemovesTheNamedRecords_IgnoresUnknownIds_ReturnsHowMany()
    {
        var index = await CreateIndexAsync(CancellationToken.None);
        await UpsertAsync(index, Entry("a", [1, 0]), Entry("b", [0, 1]), Entry("c", [1, 1], tags: ["t"]));

        var deleted = await index.DeleteAsync(["a", "c", "nope", "c"], CancellationToken.None);

        Assert.Equal(2, deleted);
        Assert.Null(await index.GetAsync("a", CancellationToken.None));
        Assert.NotNull(await index.GetAsync("b", CancellationToken.None));
        Assert.Equal(["b"], await SearchIdsAsync(index, [1, 1]));
        Assert.Equal(0, await index.CountAsync(new MemoryFilter { Tags = ["t"] }, CancellationToken.None));
        Assert.Equal(0, await index.DeleteAsync([], CancellationToken.None));
    }

    [Fact]
    public async Task Search_OrdersByCosineSimilarity_AndKeepsTopK()
    {
        var index = await CreateIndexAsync(CancellationToken.None);
        await UpsertAsync(
            index,
            Entry("same", [2, 0, 0]),
            Entry("close", [1, 0.5f, 0]),
            Entry("diagonal", [1, 1, 1]),
            Entry("orthogonal", [0, 0, 3]),
            Entry("opposite", [-1, 0, 0]));

        var results = await index.SearchAsync(new float[] { 10, 0, 0 }, 3, null, CancellationToken.None);
        var all = await index.SearchAsync(new float[] { 10, 0, 0 }, 100, null, CancellationToken.None);

        Assert.Equal(["same", "close", "diagonal"], results.Select(r => r.Record.Id));
        Assert.Equal(1.0, results[0].Score, 5);
        Assert.Equal(1 / Math.Sqrt(1.25), results[1].Score, 5);
        Assert.Equal(1 / Math.Sqrt(3), results[2].Score, 5);
        Assert.Equal(["same", "close", "diagonal", "orthogonal", "opposite"], all.Select(r => r.Record.Id));
        Assert.Equal(0.0, all[3].Score, 5);
        Assert.Equal(-1.0, all[4].Score, 5);
        Assert.Equal("text of close", results[1].Record.Text);
    }

    [Fact]
    public async Task Search_EqualScores_NewerFirstThenLowerId()
    {
        var index = await CreateIndexAsync(CancellationToken.None);
        await UpsertAsync(index, Entry("b", [1, 0], minute: 1), Entry("a", [1, 0], minute: 1), Entry("newest", [3, 0], minute: 2), Entry("old", [1, 0], minute: 0));

        Assert.Equal(["newest", "a", "b", "old"], await SearchIdsAsync(index, [1, 0]));
    }

    [Fact]
    public async Task Search_NamespaceFilter_OnlyThatNamespace()
    {
        var index = await CreateIndexAsync(CancellationToken.None);
        await UpsertAsync(index, Entry("a1", [1, 0], "alpha"), Entry("b1", [1, 0.1f], "beta"), Entry("a2", [0, 1], "alpha"));

        Assert.Equal(["a1", "a2"], await SearchIdsAsync(index, [1, 0], filter: new MemoryFilter { Namespace = "alpha" }));
        Assert.Equal(["b1"], await SearchIdsAsync(index, [1, 0], filter: new MemoryFilter { Namespace = "beta" }));
        Assert.Empty(await SearchIdsAsync(index, [1, 0], filter: new MemoryFilter { Namespace = "gamma" }));
    }

    [Fact]
    public async Task Search_TagFilter_RequiresEveryTag()
    {
        var index = await CreateIndexAsync(CancellationToken.None);
        await UpsertAsync(
            index,
            Entry("both", [1, 0], tags: ["x", "y"]),
            Entry("x-only", [1, 0.2f], tags: ["x"]),
            Entry("y-only", [1, 0.4f], "other", ["y", "x-other"]),
            Entry("none", [1, 0]));

        Assert.Equal(["both", "x-only"], await SearchIdsAsync(index, [1, 0], filter: new MemoryFilter { Tags = ["x"] }));
        Assert.Equal(["both"], await SearchIdsAsync(index, [1, 0], filter: new MemoryFilter { Tags = ["y", "x"] }));
        Assert.Equal(["y-only"], await SearchIdsAsync(index, [1, 0], filter: new MemoryFilter { Namespace = "other", Tags = ["y"] }));
        Assert.Empty(await SearchIdsAsync(index, [1, 0], filter: new MemoryFilter { Tags = ["X"] }));
    }

    [Fact]
    public async Task Count_CountsWhatTheFilterMatches()
    {
        var index = await CreateIndexAsync(CancellationToken.None);
        await UpsertAsync(index, Entry("a", [1], "n1", ["t", "u"]), Entry("b", [1], "n1", ["t"]), Entry("c", [1], "n2", ["t"]));

        Assert.Equal(3, await index.CountAsync(null, CancellationToken.None));
        Assert.Equal(3, await index.CountAsync(MemoryFilter.None, CancellationToken.None));
        Assert.Equal(2, await index.CountAsync(new MemoryFilter { Namespace = "n1" }, CancellationToken.None));
        Assert.Equal(3, await index.CountAsync(new MemoryFilter { Tags = ["t"] }, CancellationToken.None));
        Assert.Equal(1, await index.CountAsync(new MemoryFilter { Namespace = "n1", Tags = ["u", "t"] }, CancellationToken.None));
        Assert.Equal(0, await index.CountAsync(new MemoryFilter { Namespace = "n3" }, CancellationToken.None));
    }

    [Fact]
    public async Task EmptyIndex_FindsNothing_CountsZero_AcceptsAnyQueryDimension()
    {
        var index = await CreateIndexAsync(CancellationToken.None);

        Assert.Empty(await index.SearchAsync(new float[] { 1, 2, 3 }, 5, null, CancellationToken.None));
        Assert.Empty(await index.SearchAsync(new float[] { 1 }, 5, new MemoryFilter { Namespace = "x", Tags = ["y"] }, CancellationToken.None));
        Assert.Equal(0, await index.CountAsync(null, CancellationToken.None));
        Assert.Null(await index.GetAsync("missing", CancellationToken.None));
        Assert.Equal(0, await index.DeleteAsync(["missing"], CancellationToken.None));
    }

    [Fact]
    public async Task Upsert_VectorOfAnotherDimension_ThrowsNamingBothAndStoresNothing()
    {
        var index = await CreateIndexAsync(CancellationToken.None);
        await UpsertAsync(index, Entry("a", [1, 0, 0]));

        var ex = await Assert.ThrowsAsync<VectorDimensionMismatchException>(() => UpsertAsync(index, Entry("b", [1, 0, 0]), Entry("c", [1, 0, 0, 0])));

        Assert.Equal((3, 4), (ex.Expected, ex.Actual));
        Assert.Contains("'c' has 4 dimensions", ex.Message, StringComparison.Ordinal);
        Assert.Contains("vectors of 3 dimensions", ex.Message, StringComparison.Ordinal);
        Assert.Null(await index.GetAsync("b", CancellationToken.None));
        Assert.Equal(1, await index.CountAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Upsert_MixedDimensionsIntoAnEmptyIndex_ThrowsAndStoresNothing()
    {
        var index = await CreateIndexAsync(CancellationToken.None);

        var ex = await Assert.ThrowsAsync<VectorDimensionMismatchException>(() => UpsertAsync(index, Entry("a", [1, 0]), Entry("b", [1, 0, 0])));

        Assert.Equal((2, 3), (ex.Expected, ex.Actual));
        Assert.Equal(0, await index.CountAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Search_QueryOfAnotherDimension_ThrowsNamingBoth()
    {
        var index = await CreateIndexAsync(CancellationToken.None);
        await UpsertAsync(index, Entry("a", [1, 0, 0]));

        var ex = await Assert.ThrowsAsync<VectorDimensionMismatchException>(() => index.SearchAsync(new float[] { 1, 0 }, 1, null, CancellationToken.None));

        Assert.Equal((3, 2), (ex.Expected, ex.Actual));
        Assert.Contains("the query has 2 dimensions", ex.Message, StringComparison.Ordinal);
        Assert.Contains("3 dimensions", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upsert_AfterEveryRecordIsDeleted_AcceptsANewDimension()
    {
        var index = await CreateIndexAsync(CancellationToken.None);
        await UpsertAsync(index, Entry("a", [1, 0, 0]));
        await index.DeleteAsync(["a"], CancellationToken.None);

        await UpsertAsync(index, Entry("b", [1, 0]));

        Assert.Equal(["b"], await SearchIdsAsync(index, [0, 1]));
    }

    [Fact]
    public async Task Upsert_BadVectorsOrDuplicateIds_ThrowAndStoreNothing()
    {
        var index = await CreateIndexAsync(CancellationToken.None);

        var zero = await Assert.ThrowsAsync<ArgumentException>(() => UpsertAsync(index, Entry("ok", [1, 0]), Entry("zero", [0, 0])));
        var nan = await Assert.ThrowsAsync<ArgumentException>(() => UpsertAsync(index, Entry("nan", [float.NaN, 1])));
        var infinite = await Assert.ThrowsAsync<ArgumentException>(() => UpsertAsync(index, Entry("inf", [float.PositiveInfinity, 1])));
        var empty = await Assert.ThrowsAsync<ArgumentException>(() => UpsertAsync(index, Entry("empty", [])));
        var twice = await Assert.ThrowsAsync<ArgumentException>(() => UpsertAsync(index, Entry("dup", [1, 0]), Entry("dup", [0, 1])));

        Assert.Contains("'zero' is all zeros", zero.Message, StringComparison.Ordinal);
        Assert.Contains("'nan'", nan.Message, StringComparison.Ordinal);
        Assert.Contains("'inf'", infinite.Message, StringComparison.Ordinal);
        Assert.Contains("'empty' is empty", empty.Message, StringComparison.Ordinal);
        Assert.Contains("'dup' appears twice", twice.Message, StringComparison.Ordinal);
        Assert.Equal(0, await index.CountAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Search_ArgumentsChecked_ZeroQueryFindsNothing()
    {
        var index = await CreateIndexAsync(CancellationToken.None);
        await UpsertAsync(index, Entry("a", [1, 0]));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => index.SearchAsync(new float[] { 1, 0 }, 0, null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => index.SearchAsync(new float[] { float.NaN, 0 }, 1, null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => index.SearchAsync(ReadOnlyMemory<float>.Empty, 1, null, CancellationToken.None));
        Assert.Empty(await index.SearchAsync(new float[] { 0, 0 }, 1, null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentNullException>(() => index.UpsertAsync(null!, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentNullException>(() => index.DeleteAsync(null!, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentNullException>(() => index.GetAsync(null!, CancellationToken.None));
    }

    [Fact]
    public async Task Upsert_AlreadyCancelled_ThrowsAndStoresNothing()
    {
        var index = await CreateIndexAsync(CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => index.UpsertAsync([Entry("a", [1])], cancelled.Token));

        Assert.Equal(0, await index.CountAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Upsert_ConcurrentWritersAndReaders_LoseNothing()
    {
        var index = await CreateIndexAsync(CancellationToken.None);
        await UpsertAsync(index, Entry("seed", [1, 1]));

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await UpsertAsync(index, Entry($"w{w}-{i}", [w + 1, i + 1], tags: ["w" + w]));
                Assert.NotEmpty(await index.SearchAsync(new float[] { 1, 0 }, 3, null, CancellationToken.None));
            }
        }));
        await Task.WhenAll(writers);

        Assert.Equal(41, await index.CountAsync(null, CancellationToken.None));
        Assert.Equal(10, await index.CountAsync(new MemoryFilter { Tags = ["w2"] }, CancellationToken.None));
    }

    [Fact]
    public async Task Search_RandomVectors_AgreesWithBruteForceCosine()
    {
        var index = await CreateIndexAsync(CancellationToken.None);
        var random = new Random(1234);
        var vectors = Enumerable.Range(0, 120).ToDictionary(i => "r" + i, _ => Enumerable.Range(0, 16).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());
        await index.UpsertAsync(vectors.Select((v, i) => Entry(v.Key, v.Value, i % 2 == 0 ? "even" : "odd", minute: i)).ToList(), CancellationToken.None);

        for (var q = 0; q < 5; q++)
        {
            var query = Enumerable.Range(0, 16).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var expected = vectors
                .Where(v => int.Parse(v.Key[1..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 1)
                .Select(v => (v.Key, Score: Cosine(query, v.Value)))
                .OrderByDescending(v => v.Score)
                .Take(7)
                .ToList();

            var actual = await index.SearchAsync(query, 7, new MemoryFilter { Namespace = "odd" }, CancellationToken.None);

            Assert.Equal(expected.Select(e => e.Key), actual.Select(a => a.Record.Id));
            Assert.All(expected.Zip(actual), pair => Assert.Equal(pair.First.Score, pair.Second.Score, 5));
        }
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}

using AgentManager.Agents;
using AgentManager.Memory;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace AgentManager.Tests.Memory;

public sealed class SemanticMemoryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 4, 10, 0, 0, TimeSpan.Zero));

    private SemanticMemory Create(IVectorIndex? index = null, IEmbeddingGenerator<string, Embedding<float>>? generator = null) =>
        new(generator ?? new HashingEmbeddingGenerator(), index ?? new InMemoryVectorIndex(), _time);

    [Fact]
    public async Task RememberThenRecall_FindsTheTextSharingTheMostWords()
    {
        var memory = Create();
        await memory.RememberAsync("The nightly build fails when the NuGet cache is cold; warm it with dotnet restore first.");
        await memory.RememberAsync("Release notes go to the marketing team every Friday.");
        await memory.RememberAsync("Database migrations must run before the integration tests.");

        var results = await memory.RecallAsync("why does the nightly build fail with a cold nuget cache", topK: 2);

        Assert.Equal(2, results.Count);
        Assert.StartsWith("The nightly build fails", results[0].Record.Text, StringComparison.Ordinal);
        Assert.True(results[0].Score > results[1].Score);
    }

    [Fact]
    public async Task RememberAsync_Text_StoresANewRecordWithTheGivenFieldsAndTheTime()
    {
        var memory = Create();

        var record = await memory.RememberAsync("use the staging database", "ops", ["env:staging", "env:staging"], new Dictionary<string, string> { ["by"] = "alice" });
        var again = await memory.RememberAsync("use the staging database");

        Assert.Equal(32, record.Id.Length);
        Assert.NotEqual(record.Id, again.Id);
        Assert.Equal(("ops", "use the staging database", _time.GetUtcNow()), (record.Namespace, record.Text, record.CreatedAt));
        Assert.Equal(["env:staging"], record.Tags);
        Assert.Equal("alice", record.Metadata["by"]);
        Assert.Equal(MemoryRecord.DefaultNamespace, again.Namespace);
        Assert.Equal(2, await memory.CountAsync());
        Assert.Equal(1, await memory.CountAsync(new MemoryFilter { Namespace = "ops", Tags = ["env:staging"] }));
    }

    [Fact]
    public async Task RecallAsync_Filters_ByNamespaceAndTags()
    {
        var memory = Create();
        await memory.RememberAsync("deploy the web app with blue green slots", "ops", ["web"]);
        await memory.RememberAsync("deploy the worker with a rolling update", "ops", ["worker"]);
        await memory.RememberAsync("deploy notes for the web app", "docs", ["web"]);

        var ops = await memory.RecallAsync("deploy the web app", 5, new MemoryFilter { Namespace = "ops" });
        var webOps = await memory.RecallAsync("deploy the web app", 5, new MemoryFilter { Namespace = "ops", Tags = ["web"] });

        Assert.Equal(2, ops.Count);
        Assert.All(ops, r => Assert.Equal("ops", r.Record.Namespace));
        Assert.Equal("deploy the web app with blue green slots", Assert.Single(webOps).Record.Text);
    }

    [Fact]
    public async Task RememberAsync_Record_ReplacesTheSameId_AndForgetDeletesIt()
    {
        var memory = Create();
        await memory.RememberAsync(new MemoryRecord { Id = "fixed", Text = "first version about caching", CreatedAt = _time.GetUtcNow() });
        await memory.RememberAsync(new MemoryRecord { Id = "fixed", Text = "second version about logging", CreatedAt = _time.GetUtcNow() });

        var found = Assert.Single(await memory.RecallAsync("logging", 5));

        Assert.Equal("second version about logging", found.Record.Text);
        Assert.Equal(1, await memory.ForgetAsync(["fixed", "other"]));
        Assert.Equal(0, await memory.CountAsync());
    }

    [Fact]
    public async Task RecallContextAsync_KeepsRelevantMemories_FormattedForThePromptBuilder()
    {
        var memory = Create();
        await memory.RememberAsync("When dotnet build fails with CS1002, add the missing semicolon.\n\n\nThen rebuild.");
        await memory.RememberAsync("The office plants are watered on Mondays.");

        var context = await memory.RecallContextAsync("dotnet build fails with CS1002", new MemoryContextOptions { TopK = 5 });

        var item = Assert.Single(context);
        Assert.Matches(@"^From memory \(relevance 0\.\d\d, 2026-03-04\): When dotnet build fails with CS1002, add the missing semicolon\.\nThen rebuild\.$", item);
        var prompt = new PromptBuilder().Build(new ResolvedAgent(new AgentProfile { AgentId = "worker" }, [], [], []), "Fix the build.", context: context);
        Assert.EndsWith("# Context\n\n" + item, prompt.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecallContextAsync_CutsLongMemories_AndHonoursTopKAndFilter()
    {
        var memory = Create();
        await memory.RememberAsync("alpha beta gamma " + string.Concat(Enumerable.Repeat("delta ", 100)), "a");
        await memory.RememberAsync("alpha beta gamma epsilon", "b");
        await memory.RememberAsync("alpha beta gamma zeta", "b");

        var cut = await memory.RecallContextAsync("alpha beta gamma delta", new MemoryContextOptions { Namespace = "a", MaxCharsPerMemory = 40 });
        var top = await memory.RecallContextAsync("alpha beta gamma", new MemoryContextOptions { TopK = 1, Namespace = "b", MinScore = -1 });

        Assert.EndsWith("): alpha beta gamma delta delta delta…", Assert.Single(cut), StringComparison.Ordinal);
        Assert.Single(top);
        Assert.Empty(await memory.RecallContextAsync("   "));
        Assert.Empty(await memory.RecallContextAsync("unrelated words entirely", new MemoryContextOptions { MinScore = 0.9 }));
    }

    [Fact]
    public async Task Recall_AfterSwitchingToAModelOfAnotherSize_FailsNamingBothDimensions()
    {
        var index = new InMemoryVectorIndex();
        await Create(index, new HashingEmbeddingGenerator(384)).RememberAsync("stored with the first model");

        var ex = await Assert.ThrowsAsync<VectorDimensionMismatchException>(() => Create(index, new HashingEmbeddingGenerator(64)).RecallAsync("query"));

        Assert.Equal((384, 64), (ex.Expected, ex.Actual));
    }

    [Fact]
    public async Task AGeneratorReturningTheWrongNumberOfEmbeddings_IsReportedClearly()
    {
        var memory = Create(generator: new CountingGenerator(embeddings: 0));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => memory.RememberAsync("text"));

        Assert.Contains("CountingGenerator returned 0 embeddings for one text", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArgValidation()
    {
        Assert.Throws<ArgumentNullException>(() => new SemanticMemory(null!, new InMemoryVectorIndex(), _time));
        Assert.Throws<ArgumentNullException>(() => new SemanticMemory(new HashingEmbeddingGenerator(), null!, _time));
        Assert.Throws<ArgumentNullException>(() => new SemanticMemory(new HashingEmbeddingGenerator(), new InMemoryVectorIndex(), null!));
        var memory = Create();
        await Assert.ThrowsAsync<ArgumentException>(() => memory.RememberAsync(" "));
        await Assert.ThrowsAsync<ArgumentException>(() => memory.RememberAsync("text", "bad namespace"));
        await Assert.ThrowsAsync<ArgumentException>(() => memory.RememberAsync("text", tags: [""]));
        await Assert.ThrowsAsync<ArgumentNullException>(() => memory.RememberAsync((MemoryRecord)null!));
        await Assert.ThrowsAsync<ArgumentException>(() => memory.RecallAsync(""));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => memory.RecallAsync("q", 0));
        await Assert.ThrowsAsync<ArgumentNullException>(() => memory.RecallContextAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => memory.ForgetAsync(null!));
    }

    private sealed class CountingGenerator(int embeddings) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(Enumerable.Range(0, embeddings).Select(_ => new Embedding<float>(new float[] { 1 }))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

using AgentManager.Lifecycle;
using AgentManager.Memory;

namespace AgentManager.Tests.Memory;

public sealed class MemoryTypesTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void MemoryRecord_Defaults_AndCopiesOfItsCollections()
    {
        var tags = new List<string> { "b", "a", "b" };
        var metadata = new Dictionary<string, string> { ["k"] = "v" };

        var record = new MemoryRecord { Id = "x", Text = "t", Tags = tags, Metadata = metadata, CreatedAt = Now };
        tags.Add("c");
        metadata["k2"] = "v2";

        Assert.Equal(MemoryRecord.DefaultNamespace, new MemoryRecord { Id = "y", Text = "t", CreatedAt = Now }.Namespace);
        Assert.Equal(["b", "a"], record.Tags);
        Assert.Single(record.Metadata);
        Assert.Equal("default/x", record.ToString());
    }

    [Fact]
    public void MemoryRecord_ArgValidation()
    {
        Assert.Throws<ArgumentException>(() => new MemoryRecord { Id = " ", Text = "t", CreatedAt = Now });
        Assert.Throws<ArgumentNullException>(() => new MemoryRecord { Id = null!, Text = "t", CreatedAt = Now });
        Assert.Throws<ArgumentException>(() => new MemoryRecord { Id = "x", Text = "", CreatedAt = Now });
        Assert.Throws<ArgumentException>(() => new MemoryRecord { Id = "x", Text = "t", Namespace = "a b", CreatedAt = Now });
        Assert.Throws<ArgumentException>(() => new MemoryRecord { Id = "x", Text = "t", Tags = ["ok", " "], CreatedAt = Now });
        Assert.Throws<ArgumentNullException>(() => new MemoryRecord { Id = "x", Text = "t", Tags = null!, CreatedAt = Now });
        Assert.Throws<ArgumentException>(() => new MemoryRecord { Id = "x", Text = "t", Metadata = new Dictionary<string, string> { ["k"] = null! }, CreatedAt = Now });
        Assert.Throws<ArgumentNullException>(() => new VectorEntry(null!, new float[] { 1 }));
        Assert.Throws<ArgumentNullException>(() => new MemorySearchResult(null!, 1));
    }

    [Fact]
    public void MemoryFilter_MatchesNamespaceAndEveryTag()
    {
        var record = new MemoryRecord { Id = "x", Text = "t", Namespace = "ns", Tags = ["a", "b"], CreatedAt = Now };

        Assert.True(MemoryFilter.None.Matches(record));
        Assert.True(new MemoryFilter { Namespace = "ns", Tags = ["b", "a"] }.Matches(record));
        Assert.False(new MemoryFilter { Namespace = "other" }.Matches(record));
        Assert.False(new MemoryFilter { Tags = ["a", "c"] }.Matches(record));
        Assert.Equal("namespace=ns, tags=[a]", new MemoryFilter { Namespace = "ns", Tags = ["a"] }.ToString());
        Assert.Throws<ArgumentException>(() => new MemoryFilter { Namespace = "" });
        Assert.Throws<ArgumentException>(() => new MemoryFilter { Tags = [""] });
        Assert.Throws<ArgumentNullException>(() => MemoryFilter.None.Matches(null!));
    }

    [Fact]
    public void MemoryContextOptions_Defaults_AreTheDocumentedValues_AndRangesAreChecked()
    {
        var options = new MemoryContextOptions();

        Assert.Equal((3, 0.2, 1000, null), (options.TopK, options.MinScore, options.MaxCharsPerMemory, options.Namespace));
        Assert.Empty(options.Tags);
        Assert.Equal("namespace=n, tags=[t]", new MemoryContextOptions { Namespace = "n", Tags = ["t"] }.Filter.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryContextOptions { TopK = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryContextOptions { MinScore = 1.5 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryContextOptions { MinScore = double.NaN });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryContextOptions { MaxCharsPerMemory = 19 });
        Assert.Throws<ArgumentException>(() => new MemoryContextOptions { Namespace = "a b" });
    }

    [Fact]
    public void TaskOutcome_RepairedDefaultsFromStatusAndAttempts()
    {
        TaskOutcome Outcome(TaskState status, int attempts) => new() { WorkflowId = "w", TaskId = "t", AgentId = "a", Status = status, Attempts = attempts, FinishedAt = Now };

        Assert.True(Outcome(TaskState.Completed, 2).Repaired);
        Assert.False(Outcome(TaskState.Completed, 1).Repaired);
        Assert.False(Outcome(TaskState.Failed, 3).Repaired);
        Assert.Equal("w/t: failed after 3 attempt(s)", Outcome(TaskState.Failed, 3).ToString());
        Assert.Throws<ArgumentException>(() => new TaskOutcome { WorkflowId = "bad id", TaskId = "t", AgentId = "a", Status = TaskState.Failed, FinishedAt = Now });
        Assert.Throws<ArgumentOutOfRangeException>(() => Outcome(TaskState.Failed, -1));
    }

    [Fact]
    public void TaskHistoryQuery_DefaultLimit_AndRange()
    {
        Assert.Equal(100, new TaskHistoryQuery().Limit);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TaskHistoryQuery { Limit = 0 });
    }

    [Fact]
    public void AgentMemoryOptions_Defaults_AreTheDocumentedValues()
    {
        var options = new AgentMemoryOptions();

        Assert.Equal((384, "task-outcomes"), (options.EmbeddingDimensions, options.OutcomeNamespace));
        var sqlite = new AgentManager.Memory.Sqlite.SqliteMemoryOptions();
        Assert.Equal(("agentmanager-memory.db", TimeSpan.FromSeconds(30)), (sqlite.Path, sqlite.BusyTimeout));
    }
}

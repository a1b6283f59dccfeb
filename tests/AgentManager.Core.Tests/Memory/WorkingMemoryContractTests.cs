using AgentManager.Memory;
using Microsoft.Extensions.Time.Testing;

namespace AgentManager.Tests.Memory;

/// <summary>The behaviour every <see cref="IWorkingMemory"/> must have, on a <see cref="FakeTimeProvider"/>;
/// <see cref="MemoryCoverageTests"/> checks that every implementation has a subclass.</summary>
public abstract class WorkingMemoryContractTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    /// <summary>Creates an empty working memory for one test, reading time from <paramref name="timeProvider"/>.</summary>
    protected abstract Task<IWorkingMemory> CreateMemoryAsync(TimeProvider timeProvider, CancellationToken cancellationToken);

    private Task<IWorkingMemory> CreateAsync() => CreateMemoryAsync(_time, CancellationToken.None);

    [Fact]
    public async Task Set_ThenGet_ReturnsTheEntry_AndSetAgainReplacesIt()
    {
        var memory = await CreateAsync();
        var start = _time.GetUtcNow();

        var first = await memory.SetAsync("wf-1", "plan", "v1", TimeSpan.FromMinutes(5), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(10));
        await memory.SetAsync("wf-1", "plan", "v2", null, CancellationToken.None);

        Assert.Equal(new WorkingMemoryEntry("plan", "v1", start, start.AddMinutes(5)), first);
        Assert.Equal(new WorkingMemoryEntry("plan", "v2", start.AddSeconds(10), null), await memory.GetAsync("wf-1", "plan", CancellationToken.None));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal("v2", (await memory.GetAsync("wf-1", "plan", CancellationToken.None))!.Value);
    }

    [Fact]
    public async Task Ttl_ValueVisibleUntilItsExpiry_ThenInvisibleEverywhere()
    {
        var memory = await CreateAsync();
        await memory.SetAsync("wf-1", "short", "s", TimeSpan.FromSeconds(30), CancellationToken.None);
        await memory.SetAsync("wf-1", "long", "l", TimeSpan.FromMinutes(10), CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        Assert.Equal("s", (await memory.GetAsync("wf-1", "short", CancellationToken.None))!.Value);

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Null(await memory.GetAsync("wf-1", "short", CancellationToken.None));
        Assert.Equal(["long"], (await memory.ListAsync("wf-1", CancellationToken.None)).Select(e => e.Key));
        Assert.False(await memory.RemoveAsync("wf-1", "short", CancellationToken.None));
        Assert.Equal(1, await memory.ClearAsync("wf-1", CancellationToken.None));
    }

    [Fact]
    public async Task Set_AfterExpiry_StoresAFreshValue()
    {
        var memory = await CreateAsync();
        await memory.SetAsync("wf-1", "k", "old", TimeSpan.FromSeconds(1), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(5));

        await memory.SetAsync("wf-1", "k", "new", TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal("new", (await memory.GetAsync("wf-1", "k", CancellationToken.None))!.Value);
    }

    [Fact]
    public async Task PurgeExpired_DeletesOnlyExpiredValuesOfEveryWorkflow()
    {
        var memory = await CreateAsync();
        await memory.SetAsync("wf-1", "a", "1", TimeSpan.FromSeconds(10), CancellationToken.None);
        await memory.SetAsync("wf-2", "b", "2", TimeSpan.FromSeconds(20), CancellationToken.None);
        await memory.SetAsync("wf-2", "c", "3", TimeSpan.FromSeconds(60), CancellationToken.None);
        await memory.SetAsync("wf-3", "d", "4", null, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(2, await memory.PurgeExpiredAsync(CancellationToken.None));
        Assert.Equal(0, await memory.PurgeExpiredAsync(CancellationToken.None));
        Assert.Equal(["c"], (await memory.ListAsync("wf-2", CancellationToken.None)).Select(e => e.Key));
        Assert.Equal(["d"], (await memory.ListAsync("wf-3", CancellationToken.None)).Select(e => e.Key));
    }

    [Fact]
    public async Task Set_MinutesAfterOthersExpired_PurgesThem()
    {
        var memory = await CreateAsync();
        await memory.SetAsync("wf-1", "a", "1", TimeSpan.FromSeconds(1), CancellationToken.None);
        await memory.SetAsync("wf-2", "b", "2", TimeSpan.FromSeconds(1), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(2));

        await memory.SetAsync("wf-3", "c", "3", null, CancellationToken.None);

        Assert.Equal(0, await memory.PurgeExpiredAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Workflows_HaveSeparateSpaces_ListIsOrderedByKey()
    {
        var memory = await CreateAsync();
        foreach (var key in new[] { "b", "a", "C", "é" })
        {
            await memory.SetAsync("wf-1", key, "1:" + key, null, CancellationToken.None);
        }

        await memory.SetAsync("wf-2", "a", "2:a", null, CancellationToken.None);

        Assert.Equal(["C", "a", "b", "é"], (await memory.ListAsync("wf-1", CancellationToken.None)).Select(e => e.Key));
        Assert.Equal("2:a", (await memory.GetAsync("wf-2", "a", CancellationToken.None))!.Value);
        Assert.Equal(4, await memory.ClearAsync("wf-1", CancellationToken.None));
        Assert.Empty(await memory.ListAsync("wf-1", CancellationToken.None));
        Assert.Single(await memory.ListAsync("wf-2", CancellationToken.None));
        Assert.Empty(await memory.ListAsync("unknown", CancellationToken.None));
        Assert.Null(await memory.GetAsync("unknown", "a", CancellationToken.None));
    }

    [Fact]
    public async Task Remove_LiveValue_ReturnsTrueOnce()
    {
        var memory = await CreateAsync();
        await memory.SetAsync("wf-1", "k", "v", TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.True(await memory.RemoveAsync("wf-1", "k", CancellationToken.None));
        Assert.False(await memory.RemoveAsync("wf-1", "k", CancellationToken.None));
        Assert.Null(await memory.GetAsync("wf-1", "k", CancellationToken.None));
    }

    [Fact]
    public async Task Set_HugeTtl_NeverOverflows()
    {
        var memory = await CreateAsync();

        var entry = await memory.SetAsync("wf-1", "k", "v", TimeSpan.MaxValue, CancellationToken.None);

        Assert.Equal(DateTimeOffset.MaxValue, entry.ExpiresAt);
        Assert.Equal("v", (await memory.GetAsync("wf-1", "k", CancellationToken.None))!.Value);
    }

    [Fact]
    public async Task ArgValidation()
    {
        var memory = await CreateAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => memory.SetAsync("bad id", "k", "v", null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => memory.SetAsync("wf", " ", "v", null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentNullException>(() => memory.SetAsync("wf", "k", null!, null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => memory.SetAsync("wf", "k", "v", TimeSpan.Zero, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => memory.SetAsync("wf", "k", "v", TimeSpan.FromSeconds(-1), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => memory.GetAsync(null!, "k", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => memory.RemoveAsync("wf", "", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => memory.ListAsync("", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => memory.ClearAsync("a/b", CancellationToken.None));
        Assert.Empty(await memory.ListAsync("wf", CancellationToken.None));
    }
}

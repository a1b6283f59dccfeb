using AgentManager.Plans;
using static AgentManager.Tests.Plans.PlanTestKit;

namespace AgentManager.Tests.Plans;

public sealed class InMemoryTaskPlanStoreTests
{
    private static TaskPlan Version(string planId, int version, DateTimeOffset? createdAt = null) => new()
    {
        PlanId = planId,
        Version = version,
        Items = [Item("v" + version)],
        CreatedAt = createdAt ?? Start,
    };

    [Fact]
    public async Task UpdateAsync_NextVersion_KeepsEveryVersion()
    {
        var store = new InMemoryTaskPlanStore();
        await store.AddAsync(Version("p", 1), CancellationToken.None);
        await store.UpdateAsync(Version("p", 2), CancellationToken.None);
        await store.UpdateAsync(Version("p", 3), CancellationToken.None);

        Assert.Equal(3, (await store.GetAsync("p", null, CancellationToken.None))!.Version);
        Assert.Equal("v1", (await store.GetAsync("p", 1, CancellationToken.None))!.Items[0].Id);
        Assert.Equal("v2", (await store.GetAsync("p", 2, CancellationToken.None))!.Items[0].Id);
        Assert.Null(await store.GetAsync("p", 4, CancellationToken.None));
        Assert.Null(await store.GetAsync("p", 0, CancellationToken.None));
        Assert.Null(await store.GetAsync("q", null, CancellationToken.None));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task UpdateAsync_NotTheNextVersion_ThrowsConflictAndStoresNothing(int version)
    {
        var store = new InMemoryTaskPlanStore();
        await store.AddAsync(Version("p", 1), CancellationToken.None);

        var exception = await Assert.ThrowsAsync<PlanConflictException>(() => store.UpdateAsync(Version("p", version), CancellationToken.None));

        Assert.Equal(1, exception.CurrentVersion);
        Assert.Equal("v1", (await store.GetAsync("p", null, CancellationToken.None))!.Items[0].Id);
    }

    [Fact]
    public async Task UpdateAsync_UnknownPlan_ThrowsNotFound()
    {
        var store = new InMemoryTaskPlanStore();

        await Assert.ThrowsAsync<PlanNotFoundException>(() => store.UpdateAsync(Version("p", 2), CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_ExistingId_ThrowsConflict()
    {
        var store = new InMemoryTaskPlanStore();
        await store.AddAsync(Version("p", 1), CancellationToken.None);

        await Assert.ThrowsAsync<PlanConflictException>(() => store.AddAsync(Version("p", 1), CancellationToken.None));
    }

    [Fact]
    public async Task ListAsync_CurrentVersions_ByCreationThenId()
    {
        var store = new InMemoryTaskPlanStore();
        await store.AddAsync(Version("b", 1, Start), CancellationToken.None);
        await store.AddAsync(Version("c", 1, Start.AddSeconds(-1)), CancellationToken.None);
        await store.AddAsync(Version("a", 1, Start), CancellationToken.None);
        await store.UpdateAsync(Version("b", 2, Start), CancellationToken.None);

        var plans = await store.ListAsync(CancellationToken.None);

        Assert.Equal([("c", 1), ("a", 1), ("b", 2)], plans.Select(plan => (plan.PlanId, plan.Version)));
    }

    [Fact]
    public async Task DeleteAsync_RemovesEveryVersionOnce()
    {
        var store = new InMemoryTaskPlanStore();
        await store.AddAsync(Version("p", 1), CancellationToken.None);
        await store.UpdateAsync(Version("p", 2), CancellationToken.None);

        Assert.True(await store.DeleteAsync("p", CancellationToken.None));
        Assert.False(await store.DeleteAsync("p", CancellationToken.None));
        Assert.Null(await store.GetAsync("p", 1, CancellationToken.None));
    }

    [Fact]
    public async Task Methods_CancelledToken_Throw()
    {
        var store = new InMemoryTaskPlanStore();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.AddAsync(Version("p", 1), cancelled.Token));
        Assert.Null(await store.GetAsync("p", null, CancellationToken.None));
    }
}

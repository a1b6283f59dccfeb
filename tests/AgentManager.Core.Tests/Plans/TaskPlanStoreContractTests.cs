using AgentManager.Plans;
using static AgentManager.Tests.Plans.PlanTestKit;

namespace AgentManager.Tests.Plans;

/// <summary>The behaviour every <see cref="ITaskPlanStore"/> must have. Each implementation gets a subclass
/// that supplies a fresh, empty store; <see cref="TaskPlanStoreCoverageTests"/> checks none is missing.</summary>
public abstract class TaskPlanStoreContractTests
{
    /// <summary>Creates an empty store for one test.</summary>
    protected abstract Task<ITaskPlanStore> CreateStoreAsync(CancellationToken cancellationToken);

    protected static TaskPlan Version(string planId, int version, DateTimeOffset? createdAt = null) => new()
    {
        PlanId = planId,
        Version = version,
        Items = [Item("v" + version)],
        CreatedAt = createdAt ?? Start,
    };

    [Fact]
    public async Task UpdateAsync_NextVersion_KeepsEveryVersion()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
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
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.AddAsync(Version("p", 1), CancellationToken.None);

        var exception = await Assert.ThrowsAsync<PlanConflictException>(() => store.UpdateAsync(Version("p", version), CancellationToken.None));

        Assert.Equal(1, exception.CurrentVersion);
        Assert.Equal("v1", (await store.GetAsync("p", null, CancellationToken.None))!.Items[0].Id);
    }

    [Fact]
    public async Task UpdateAsync_UnknownPlan_ThrowsNotFound()
    {
        var store = await CreateStoreAsync(CancellationToken.None);

        await Assert.ThrowsAsync<PlanNotFoundException>(() => store.UpdateAsync(Version("p", 2), CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_ExistingId_ThrowsConflict()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.AddAsync(Version("p", 1), CancellationToken.None);

        await Assert.ThrowsAsync<PlanConflictException>(() => store.AddAsync(Version("p", 1), CancellationToken.None));
    }

    [Fact]
    public async Task ListAsync_CurrentVersions_ByCreationThenId()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
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
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.AddAsync(Version("p", 1), CancellationToken.None);
        await store.UpdateAsync(Version("p", 2), CancellationToken.None);

        Assert.True(await store.DeleteAsync("p", CancellationToken.None));
        Assert.False(await store.DeleteAsync("p", CancellationToken.None));
        Assert.Null(await store.GetAsync("p", 1, CancellationToken.None));
    }

    [Fact]
    public async Task Methods_CancelledToken_Throw()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.AddAsync(Version("p", 1), cancelled.Token));
        Assert.Null(await store.GetAsync("p", null, CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_EveryField_ReadsBackEqual()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var plan = new TaskPlan
        {
            PlanId = "full",
            Version = 1,
            SourceTaskId = "task-9",
            CreatedBy = "manager",
            Status = PlanStatus.Confirmed,
            Items =
            [
                new PlanItem
                {
                    Id = "a",
                    Title = "Write",
                    Description = "the description",
                    Prompt = "the prompt",
                    Priority = 7,
                    Dependencies = ["b"],
                    Assignee = "worker",
                    RequiredSkills = ["code-review"],
                    Workdir = "src/a",
                    Verification = "test -s a.md",
                    Resources = ["model:x"],
                    MaxAttempts = 3,
                    Timeout = TimeSpan.FromTicks(123_456_789),
                    Metadata = new Dictionary<string, string> { ["kind"] = "doc", ["plan_id"] = "full" },
                    Status = PlanItemStatus.Confirmed,
                },
                Item("b"),
            ],
            TemporaryRoles = ["reviewer"],
            SelectedTemplates = ["task-planning"],
            PreferredAssignees = ["worker", "supervisor"],
            CreatedAt = new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.FromHours(-5)).AddTicks(7),
            UpdatedAt = new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.FromHours(1)),
            Metadata = new Dictionary<string, string> { ["team"] = "docs" },
            ConfirmedVersion = 1,
        };

        await store.AddAsync(plan, CancellationToken.None);
        var read = (await store.GetAsync("full", null, CancellationToken.None))!;

        Assert.Equal((plan.PlanId, plan.Version, plan.SourceTaskId, plan.CreatedBy, plan.Status, plan.ConfirmedVersion), (read.PlanId, read.Version, read.SourceTaskId, read.CreatedBy, read.Status, read.ConfirmedVersion));
        Assert.Equal(plan.Items, read.Items);
        Assert.Equal(plan.TemporaryRoles, read.TemporaryRoles);
        Assert.Equal(plan.SelectedTemplates, read.SelectedTemplates);
        Assert.Equal(plan.PreferredAssignees, read.PreferredAssignees);
        Assert.Equal((plan.CreatedAt, plan.CreatedAt.Offset, plan.UpdatedAt, plan.UpdatedAt.Offset), (read.CreatedAt, read.CreatedAt.Offset, read.UpdatedAt, read.UpdatedAt.Offset));
        Assert.Equal(plan.Metadata, read.Metadata);
    }

    [Fact]
    public async Task UpdateAsync_ConcurrentWritersOfTheSameVersion_ExactlyOneWins()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.AddAsync(Version("p", 1), CancellationToken.None);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await store.UpdateAsync(Version("p", 2), CancellationToken.None);
                return true;
            }
            catch (PlanConflictException)
            {
                return false;
            }
        })));

        Assert.Single(outcomes, won => won);
        Assert.Equal(2, (await store.GetAsync("p", null, CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task DeleteAsync_ThenAddTheSameId_StartsAFreshHistory()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.AddAsync(Version("p", 1), CancellationToken.None);
        await store.UpdateAsync(Version("p", 2), CancellationToken.None);
        await store.DeleteAsync("p", CancellationToken.None);

        await store.AddAsync(Version("p", 1), CancellationToken.None);

        Assert.Equal(1, (await store.GetAsync("p", null, CancellationToken.None))!.Version);
        Assert.Null(await store.GetAsync("p", 2, CancellationToken.None));
        Assert.Single(await store.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Conflicts_AreWordedTheSameByEveryStore()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.AddAsync(Version("p", 1), CancellationToken.None);

        var exists = await Assert.ThrowsAsync<PlanConflictException>(() => store.AddAsync(Version("p", 1), CancellationToken.None));
        var stale = await Assert.ThrowsAsync<PlanConflictException>(() => store.UpdateAsync(Version("p", 5), CancellationToken.None));
        var missing = await Assert.ThrowsAsync<PlanNotFoundException>(() => store.UpdateAsync(Version("q", 2), CancellationToken.None));

        Assert.Equal(("p", 1), (exists.PlanId, exists.CurrentVersion));
        Assert.Equal("Task plan 'p' already exists; choose another plan id, or edit or delete that plan.", exists.Message);
        Assert.Equal("Task plan 'p' is at version 1, but the change was made to version 4; read the plan again and retry.", stale.Message);
        Assert.Equal("q", missing.PlanId);
    }
}

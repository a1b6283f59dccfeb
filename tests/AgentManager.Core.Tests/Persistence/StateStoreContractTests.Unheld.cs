using AgentManager.Persistence;
using AgentManager.Workflows;

namespace AgentManager.Tests.Persistence;

/// <summary>The running workflows no engine holds, as a host looking for work to take over reads them.</summary>
public abstract partial class StateStoreContractTests
{
    private static readonly DateTimeOffset ScanTime = Created.AddMinutes(10);

    /// <summary>Commits a new workflow whose record carries the given lease (none when <paramref name="owner"/> is null).</summary>
    private static Task CommitWithLeaseAsync(IStateStore store, string id, WorkflowStatus status, string? owner = null, DateTimeOffset? expiresAt = null)
    {
        var changes = Changes([Workflow(id, status) with { LeaseOwner = owner, LeaseExpiresAt = expiresAt, FencingToken = owner is null ? 0 : 1 }]);
        changes.CreatedWorkflows.Add(id);
        if (owner is not null)
        {
            changes.FencingTokens[id] = 1;
        }

        return store.CommitAsync(changes, CancellationToken.None);
    }

    /// <summary>Released, never taken and expired leases are listed, an expiry at the very instant included; a lease
    /// that runs past the instant is not. Expiries are compared as instants, whatever their offsets. What is listed is
    /// what another engine may acquire at that instant, and nothing else.</summary>
    [Fact]
    public async Task ListUnheldRunningWorkflows_ReleasedNeverTakenOrExpiredLeases_AreListedOldestFirst()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await CommitWithLeaseAsync(store, "expired", WorkflowStatus.Running, "engine-a", ScanTime.AddSeconds(-1));
        // One second after ScanTime (05:16:07 +02:00), written as 19:16:08 -08:00 of the day before.
        await CommitWithLeaseAsync(store, "held", WorkflowStatus.Running, "engine-b", ScanTime.AddSeconds(1).ToOffset(TimeSpan.FromHours(-8)));
        await CommitWithLeaseAsync(store, "released", WorkflowStatus.Running, "engine-c", ScanTime.AddMinutes(5));
        var release = new StateChanges();
        release.FencingTokens["released"] = 1;
        release.ReleasedLeases.Add("released");
        await store.CommitAsync(release, CancellationToken.None);
        await CommitWithLeaseAsync(store, "never-leased", WorkflowStatus.Running);
        await CommitWithLeaseAsync(store, "at-expiry", WorkflowStatus.Running, "engine-d", ScanTime.ToOffset(TimeSpan.FromHours(-5)));

        var unheld = await store.ListUnheldRunningWorkflowsAsync(ScanTime, CancellationToken.None);
        var later = await store.ListUnheldRunningWorkflowsAsync(ScanTime.AddSeconds(1), CancellationToken.None);

        Assert.Equal(["expired", "released", "never-leased", "at-expiry"], unheld.Select(w => w.WorkflowId));
        Assert.Equal(["expired", "held", "released", "never-leased", "at-expiry"], later.Select(w => w.WorkflowId));
        var expired = unheld[0];
        Assert.Equal((WorkflowStatus.Running, "nightly build", "engine-a", ScanTime.AddSeconds(-1), 1L), (expired.Status, expired.Name, expired.LeaseOwner, expired.LeaseExpiresAt, expired.FencingToken));
        Assert.Equal("platform", expired.Metadata["team"]);
        Assert.Equal((null, null), (unheld[1].LeaseOwner, unheld[1].LeaseExpiresAt));
        await Assert.ThrowsAsync<LeaseHeldException>(() => store.AcquireLeaseAsync(ClaimAt("held", ScanTime), CancellationToken.None));
        foreach (var workflow in unheld)
        {
            Assert.Equal("engine-z", (await store.AcquireLeaseAsync(ClaimAt(workflow.WorkflowId, ScanTime), CancellationToken.None)).Owner);
        }

        Assert.Empty(await store.ListUnheldRunningWorkflowsAsync(ScanTime, CancellationToken.None));
    }

    /// <summary>Only running workflows are candidates: created ones have not started, finished ones have nothing left
    /// to run, whatever their lease says.</summary>
    [Fact]
    public async Task ListUnheldRunningWorkflows_WorkflowsNotRunning_AreNotListedWhateverTheirLease()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        Assert.Empty(await store.ListUnheldRunningWorkflowsAsync(ScanTime, CancellationToken.None));
        foreach (var status in Enum.GetValues<WorkflowStatus>().Where(s => s != WorkflowStatus.Running))
        {
            await CommitWithLeaseAsync(store, status + "-expired", status, "engine-a", ScanTime.AddMinutes(-1));
            await CommitWithLeaseAsync(store, status + "-unleased", status);
        }

        await CommitWithLeaseAsync(store, "finishing", WorkflowStatus.Running);
        Assert.Equal(["finishing"], (await store.ListUnheldRunningWorkflowsAsync(ScanTime, CancellationToken.None)).Select(w => w.WorkflowId));

        await store.CommitAsync(Changes([Workflow("finishing", WorkflowStatus.Completed) with { FinishedAt = ScanTime }]), CancellationToken.None);

        Assert.Empty(await store.ListUnheldRunningWorkflowsAsync(ScanTime, CancellationToken.None));
        Assert.Equal(9, (await store.ListWorkflowsAsync(CancellationToken.None)).Count);
    }

    private static LeaseClaim ClaimAt(string workflowId, DateTimeOffset now) =>
        new() { WorkflowId = workflowId, Owner = "engine-z", Now = now, ExpiresAt = now.AddSeconds(30) };
}

using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;

namespace AgentManager.Tests.Persistence;

/// <summary>Workflow requests: stored by an engine that does not run a workflow, read by the one that does.</summary>
public abstract partial class StateStoreContractTests
{
    /// <summary>Gets whether the store keeps workflow requests (a store that relies on the interface's defaults does not).</summary>
    protected virtual bool KeepsWorkflowRequests => true;

    private static WorkflowRequest Cancel(string workflowId, string reason = "release withdrawn", string? correlationId = "req-42") => new()
    {
        WorkflowId = workflowId,
        Kind = WorkflowRequestKind.Cancel,
        Reason = reason,
        RequestedBy = "host-b/4711/638000000000000000/1",
        RequestedAt = Created.AddMinutes(3).ToOffset(TimeSpan.FromHours(-5)),
        CorrelationId = correlationId,
    };

    private static WorkflowRequest Start(string workflowId, int minute = 2, string? correlationId = "req-41") => new()
    {
        WorkflowId = workflowId,
        Kind = WorkflowRequestKind.Start,
        RequestedBy = "host-c/815/638000000000000000/2",
        RequestedAt = Created.AddMinutes(minute),
        CorrelationId = correlationId,
    };

    private static IEnumerable<WorkflowRequest> Sorted(IEnumerable<WorkflowRequest> requests) =>
        requests.OrderBy(r => r.WorkflowId, StringComparer.Ordinal).ThenBy(r => r.Kind);

    [Fact]
    public async Task StoreWorkflowRequest_CancelOfUnfinishedWorkflows_IsStoredWithEveryValueAndReadByTheirIds()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow("created"), Workflow("running", WorkflowStatus.Running), Workflow("other", WorkflowStatus.Running)]), CancellationToken.None);
        if (!KeepsWorkflowRequests)
        {
            await Assert.ThrowsAsync<NotSupportedException>(() => store.StoreWorkflowRequestAsync(Cancel("running"), CancellationToken.None));
            Assert.Empty(await store.GetWorkflowRequestsAsync(["created", "running"], CancellationToken.None));
            return;
        }

        var created = await store.StoreWorkflowRequestAsync(Cancel("created", correlationId: null), CancellationToken.None);
        var running = await store.StoreWorkflowRequestAsync(Cancel("running"), CancellationToken.None);

        Assert.Equal(Cancel("created", correlationId: null), created);
        Assert.Equal(Cancel("running"), running);
        var read = await store.GetWorkflowRequestsAsync(["running", "created", "other", "unknown", "running"], CancellationToken.None);
        Assert.Equal([Cancel("created", correlationId: null), Cancel("running")], Sorted(read));
        Assert.Equal(TimeSpan.FromHours(-5), read.Single(r => r.WorkflowId == "running").RequestedAt.Offset);
        Assert.Empty(await store.GetWorkflowRequestsAsync(["other"], CancellationToken.None));
        Assert.Empty(await store.GetWorkflowRequestsAsync([], CancellationToken.None));
    }

    /// <summary>A workflow keeps its first cancel request, also when its record is written again after it.</summary>
    [Fact]
    public async Task StoreWorkflowRequest_CancelTwice_KeepsTheFirstThroughLaterCommits()
    {
        if (!KeepsWorkflowRequests)
        {
            return;
        }

        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow("wf-1", WorkflowStatus.Running)], [Task("t0", 0, state: TaskState.Ready)]), CancellationToken.None);
        var first = await store.StoreWorkflowRequestAsync(Cancel("wf-1"), CancellationToken.None);

        await store.CommitAsync(Changes([Workflow("wf-1", WorkflowStatus.Running) with { Reason = "still going" }]), CancellationToken.None);
        var second = await store.StoreWorkflowRequestAsync(Cancel("wf-1", "another reason", "req-43") with { RequestedBy = "host-c" }, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal([first!], await store.GetWorkflowRequestsAsync(["wf-1"], CancellationToken.None));
    }

    /// <summary>A finished workflow takes no cancel request and shows none it had; nor does an id the store does not know.</summary>
    [Fact]
    public async Task StoreWorkflowRequest_CancelOfAFinishedOrUnknownWorkflow_StoresNothingAndFinishingHidesAnEarlierOne()
    {
        if (!KeepsWorkflowRequests)
        {
            return;
        }

        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow("done", WorkflowStatus.Completed) with { FinishedAt = Created }, Workflow("wf-1", WorkflowStatus.Running)]), CancellationToken.None);
        await store.StoreWorkflowRequestAsync(Cancel("wf-1"), CancellationToken.None);

        Assert.Null(await store.StoreWorkflowRequestAsync(Cancel("done"), CancellationToken.None));
        Assert.Null(await store.StoreWorkflowRequestAsync(Cancel("unknown"), CancellationToken.None));
        await store.CommitAsync(Changes([Workflow("wf-1", WorkflowStatus.Cancelled) with { FinishedAt = Created.AddMinutes(4) }]), CancellationToken.None);

        Assert.Empty(await store.GetWorkflowRequestsAsync(["done", "wf-1", "unknown"], CancellationToken.None));
        Assert.Null(await store.StoreWorkflowRequestAsync(Cancel("wf-1"), CancellationToken.None));
        Assert.Equal(2, (await store.ListWorkflowsAsync(CancellationToken.None)).Count);
    }

    /// <summary>A start request is taken only by a created workflow, a later one replaces it (a start its hooks refused
    /// may be asked again), it keeps no reason, and it is gone once the workflow started; a cancel request stands next
    /// to it.</summary>
    [Fact]
    public async Task StoreWorkflowRequest_Start_IsTakenWhileCreatedTheLatestKeptAndGoneOnceStarted()
    {
        if (!KeepsWorkflowRequests)
        {
            return;
        }

        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow("wf-1"), Workflow("running", WorkflowStatus.Running)]), CancellationToken.None);

        var first = await store.StoreWorkflowRequestAsync(Start("wf-1") with { Reason = "ignored" }, CancellationToken.None);
        var later = await store.StoreWorkflowRequestAsync(Start("wf-1", minute: 5, correlationId: null), CancellationToken.None);
        var cancel = await store.StoreWorkflowRequestAsync(Cancel("wf-1"), CancellationToken.None);

        Assert.Equal(Start("wf-1"), first);
        Assert.Equal(Start("wf-1", minute: 5, correlationId: null), later);
        Assert.Null(await store.StoreWorkflowRequestAsync(Start("running"), CancellationToken.None));
        Assert.Null(await store.StoreWorkflowRequestAsync(Start("unknown"), CancellationToken.None));
        Assert.Equal([later!, cancel!], Sorted(await store.GetWorkflowRequestsAsync(["wf-1", "running"], CancellationToken.None)));

        await store.CommitAsync(Changes([Workflow("wf-1", WorkflowStatus.Running) with { StartedAt = Created.AddMinutes(6) }]), CancellationToken.None);

        Assert.Equal([cancel!], await store.GetWorkflowRequestsAsync(["wf-1"], CancellationToken.None));
        Assert.Null(await store.StoreWorkflowRequestAsync(Start("wf-1", minute: 7), CancellationToken.None));
    }

    [Fact]
    public async Task StoreWorkflowRequest_IncompleteRequest_ThrowsNamingTheValueAndStoresNothing()
    {
        if (!KeepsWorkflowRequests)
        {
            return;
        }

        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow("wf-1", WorkflowStatus.Created)]), CancellationToken.None);
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.StoreWorkflowRequestAsync(null!, CancellationToken.None));
        var noReason = await Assert.ThrowsAsync<ArgumentNullException>(() => store.StoreWorkflowRequestAsync(Cancel("wf-1") with { Reason = null }, CancellationToken.None));
        var noOwner = await Assert.ThrowsAsync<ArgumentNullException>(() => store.StoreWorkflowRequestAsync(Start("wf-1") with { RequestedBy = null! }, CancellationToken.None));
        var badKind = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.StoreWorkflowRequestAsync(Start("wf-1") with { Kind = (WorkflowRequestKind)7 }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.GetWorkflowRequestsAsync(null!, CancellationToken.None));

        Assert.Equal(("request.Reason", "request.RequestedBy"), (noReason.ParamName, noOwner.ParamName));
        Assert.Contains("Request kind 7 is not start or cancel.", badKind.Message, StringComparison.Ordinal);
        Assert.Empty(await store.GetWorkflowRequestsAsync(["wf-1"], CancellationToken.None));
    }
}

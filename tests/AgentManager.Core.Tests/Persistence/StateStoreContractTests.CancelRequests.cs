using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;

namespace AgentManager.Tests.Persistence;

/// <summary>Cancel requests: stored by an engine that does not run a workflow, read by the one that does.</summary>
public abstract partial class StateStoreContractTests
{
    /// <summary>Gets whether the store keeps cancel requests (a store that relies on the interface's defaults does not).</summary>
    protected virtual bool KeepsCancelRequests => true;

    private static WorkflowCancelRequest CancelRequest(string workflowId, string reason = "release withdrawn", string? correlationId = "req-42") => new()
    {
        WorkflowId = workflowId,
        Reason = reason,
        RequestedBy = "host-b/4711/638000000000000000/1",
        RequestedAt = Created.AddMinutes(3).ToOffset(TimeSpan.FromHours(-5)),
        CorrelationId = correlationId,
    };

    [Fact]
    public async Task RequestCancel_UnfinishedWorkflows_AreStoredWithEveryValueAndReadByTheirIds()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow("created"), Workflow("running", WorkflowStatus.Running), Workflow("other", WorkflowStatus.Running)]), CancellationToken.None);
        if (!KeepsCancelRequests)
        {
            await Assert.ThrowsAsync<NotSupportedException>(() => store.RequestCancelAsync(CancelRequest("running"), CancellationToken.None));
            Assert.Empty(await store.GetCancelRequestsAsync(["created", "running"], CancellationToken.None));
            return;
        }

        var created = await store.RequestCancelAsync(CancelRequest("created", correlationId: null), CancellationToken.None);
        var running = await store.RequestCancelAsync(CancelRequest("running"), CancellationToken.None);

        Assert.Equal(CancelRequest("created", correlationId: null), created);
        Assert.Equal(CancelRequest("running"), running);
        var read = await store.GetCancelRequestsAsync(["running", "created", "other", "unknown", "running"], CancellationToken.None);
        Assert.Equal([CancelRequest("created", correlationId: null), CancelRequest("running")], read.OrderBy(r => r.WorkflowId, StringComparer.Ordinal));
        Assert.Equal(TimeSpan.FromHours(-5), read.Single(r => r.WorkflowId == "running").RequestedAt.Offset);
        Assert.Empty(await store.GetCancelRequestsAsync(["other"], CancellationToken.None));
        Assert.Empty(await store.GetCancelRequestsAsync([], CancellationToken.None));
    }

    /// <summary>A workflow keeps its first request, also when its record is written again after it.</summary>
    [Fact]
    public async Task RequestCancel_Twice_KeepsTheFirstThroughLaterCommits()
    {
        if (!KeepsCancelRequests)
        {
            return;
        }

        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow("wf-1", WorkflowStatus.Running)], [Task("t0", 0, state: TaskState.Ready)]), CancellationToken.None);
        var first = await store.RequestCancelAsync(CancelRequest("wf-1"), CancellationToken.None);

        await store.CommitAsync(Changes([Workflow("wf-1", WorkflowStatus.Running) with { Reason = "still going" }]), CancellationToken.None);
        var second = await store.RequestCancelAsync(CancelRequest("wf-1", "another reason", "req-43") with { RequestedBy = "host-c" }, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal([first!], await store.GetCancelRequestsAsync(["wf-1"], CancellationToken.None));
    }

    /// <summary>A finished workflow takes no request and shows none it had; nor does an id the store does not know.</summary>
    [Fact]
    public async Task RequestCancel_FinishedOrUnknownWorkflow_StoresNothingAndFinishingHidesAnEarlierRequest()
    {
        if (!KeepsCancelRequests)
        {
            return;
        }

        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow("done", WorkflowStatus.Completed) with { FinishedAt = Created }, Workflow("wf-1", WorkflowStatus.Running)]), CancellationToken.None);
        await store.RequestCancelAsync(CancelRequest("wf-1"), CancellationToken.None);

        Assert.Null(await store.RequestCancelAsync(CancelRequest("done"), CancellationToken.None));
        Assert.Null(await store.RequestCancelAsync(CancelRequest("unknown"), CancellationToken.None));
        await store.CommitAsync(Changes([Workflow("wf-1", WorkflowStatus.Cancelled) with { FinishedAt = Created.AddMinutes(4) }]), CancellationToken.None);

        Assert.Empty(await store.GetCancelRequestsAsync(["done", "wf-1", "unknown"], CancellationToken.None));
        Assert.Null(await store.RequestCancelAsync(CancelRequest("wf-1"), CancellationToken.None));
        Assert.Equal(2, (await store.ListWorkflowsAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task RequestCancel_IncompleteRequest_ThrowsNamingTheValue()
    {
        if (!KeepsCancelRequests)
        {
            return;
        }

        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow("wf-1", WorkflowStatus.Running)]), CancellationToken.None);
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.RequestCancelAsync(null!, CancellationToken.None));
        var missing = await Assert.ThrowsAsync<ArgumentNullException>(() => store.RequestCancelAsync(CancelRequest("wf-1") with { Reason = null! }, CancellationToken.None));
        Assert.Equal("request.Reason", missing.ParamName);
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.GetCancelRequestsAsync(null!, CancellationToken.None));
        Assert.Empty(await store.GetCancelRequestsAsync(["wf-1"], CancellationToken.None));
    }
}

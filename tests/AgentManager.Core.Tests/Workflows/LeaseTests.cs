using System.Collections.Concurrent;
using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.Extensions.Time.Testing;
using static AgentManager.Tests.Workflows.EngineFixture;

namespace AgentManager.Tests.Workflows;

/// <summary>Leases of one engine, and the helpers of <see cref="SharedStoreLeaseTests"/> (several engines on one
/// store).</summary>
public sealed class LeaseTests
{
    internal static readonly DateTimeOffset T0 = new(2026, 11, 29, 9, 0, 0, TimeSpan.Zero);

    internal static WorkflowDefinition Definition(IAgentRunner agent, int count = 6)
    {
        var tasks = Enumerable.Range(0, count).Select(i => i == 0 ? Task("t0") : Task($"t{i}", $"t{i - 1}")).ToArray();
        var workflow = Workflow(agent, tasks);
        workflow.Id = "shared";
        return workflow;
    }

    internal static async Task<long> CompletionsAsync(IStateStore store, string taskId) =>
        (await store.GetTransitionsAsync("shared", taskId, CancellationToken.None)).Count(t => t.To == TaskState.Completed);

    [Fact]
    public async Task Heartbeat_BeforeTheCreatingCommitIsStored_DoesNotTakeTheNewRunForLost()
    {
        var time = new FakeTimeProvider(T0);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = SlowCreateStore.Create(new InMemoryStateStore(), entered, gate.Task);
        await using var fixture = new EngineFixture(time: time, store: store);
        var engine = (WorkflowEngine)fixture.Engine;
        var create = engine.CreateAsync(Definition(NoOp, count: 2));
        await entered.Task.WaitAsync(LadderKit.Patience);
        var renewals = engine.Renewals;

        time.Advance(TimeSpan.FromSeconds(10));
        await UntilAsync(() => System.Threading.Tasks.Task.FromResult(engine.Renewals > renewals), "a renewal");
        gate.SetResult();
        var id = await create.WaitAsync(LadderKit.Patience);
        await engine.StartAsync(id);

        Assert.Equal(WorkflowStatus.Completed, (await engine.WaitForCompletionAsync(id).WaitAsync(LadderKit.Patience)).Status);
    }

    [Fact]
    public async Task StartRelay_AFinishedWorkflowThisEngineIsStillMarking_IsLeftToItsLoop()
    {
        var relayMayRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finalMarkWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finalMarkMayCommit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (store, gates) = RelayRaceStore.Create(new InMemoryStateStore(), relayMayRead.Task, finalMarkWaiting, finalMarkMayCommit.Task);
        await using var fixture = new EngineFixture(time: new FakeTimeProvider(T0), store: store);
        var engine = (WorkflowEngine)fixture.Engine;
        var id = await engine.CreateAsync(Definition(NoOp, count: 2));
        await engine.StartAsync(id);
        var finished = engine.WaitForCompletionAsync(id);
        try
        {
            // The run has finished and its last events wait to be marked published when the start relay reads them.
            await finalMarkWaiting.Task.WaitAsync(LadderKit.Patience);
            relayMayRead.SetResult();
            await engine.StartRelayTask.WaitAsync(LadderKit.Patience);
        }
        finally
        {
            relayMayRead.TrySetResult();
            finalMarkMayCommit.TrySetResult();
        }

        Assert.Equal(WorkflowStatus.Completed, (await finished.WaitAsync(LadderKit.Patience)).Status);
        // The loop's own commit marks the events and releases the lease; the caller may be answered just before it lands.
        await UntilAsync(async () => (await store.ReadUnpublishedEventsAsync(id, CancellationToken.None)).Count == 0, "the loop's published marks");
        Assert.Equal(0, gates.Acquisitions);
        var stored = (await store.GetWorkflowAsync(id, CancellationToken.None))!;
        Assert.Equal((null, 1L), (stored.LeaseOwner, stored.FencingToken));
    }

    [Fact]
    public void Options_LeaseRenewIntervalNotShorterThanTheLease_IsReported()
    {
        var options = new AgentManagerOptions { LeaseDuration = TimeSpan.FromSeconds(10), LeaseRenewInterval = TimeSpan.FromSeconds(10) };

        var result = new AgentManagerOptionsValidator().Validate(null, options);

        Assert.Contains("LeaseRenewInterval is 00:00:10, not shorter than LeaseDuration 00:00:10", result.FailureMessage, StringComparison.Ordinal);
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)), (new AgentManagerOptions().LeaseDuration, new AgentManagerOptions().LeaseRenewInterval));
        options.LeaseRenewInterval = TimeSpan.Zero;
        Assert.Contains("both must be positive", new AgentManagerOptionsValidator().Validate(null, options).FailureMessage, StringComparison.Ordinal);
    }

    internal static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        using var patience = new CancellationTokenSource(LadderKit.Patience);
        while (!await condition())
        {
            try
            {
                await System.Threading.Tasks.Task.Delay(10, patience.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Gave up waiting for {what}.");
            }
        }
    }

}

/// <summary>A state store whose commit of a new workflow waits at a gate, while everything else goes on.</summary>
public class SlowCreateStore : System.Reflection.DispatchProxy
{
    private IStateStore _inner = null!;
    private TaskCompletionSource _entered = null!;
    private Task _gate = null!;

    internal static IStateStore Create(IStateStore inner, TaskCompletionSource entered, Task gate)
    {
        var proxy = Create<IStateStore, SlowCreateStore>();
        var slow = (SlowCreateStore)(object)proxy;
        (slow._inner, slow._entered, slow._gate) = (inner, entered, gate);
        return proxy;
    }

    protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name == nameof(IStateStore.CommitAsync) && ((StateChanges)args![0]!).Events.Any(e => e.Type == AgentManager.Events.EventTypes.WorkflowCreated))
        {
            return CommitLaterAsync((StateChanges)args[0]!, (CancellationToken)args[1]!);
        }

        return targetMethod.Invoke(_inner, args);
    }

    private async Task CommitLaterAsync(StateChanges changes, CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        await _gate;
        await _inner.CommitAsync(changes, cancellationToken);
    }
}

/// <summary>A state store that holds the start relay's read of unpublished events and the commit that releases a
/// finished workflow's lease at gates, and counts lease acquisitions.</summary>
public class RelayRaceStore : System.Reflection.DispatchProxy
{
    private IStateStore _inner = null!;
    private Task _relayMayRead = null!;
    private TaskCompletionSource _finalMarkWaiting = null!;
    private Task _finalMarkMayCommit = null!;
    private int _acquisitions;

    internal int Acquisitions => Volatile.Read(ref _acquisitions);

    internal static (IStateStore Store, RelayRaceStore Gates) Create(IStateStore inner, Task relayMayRead, TaskCompletionSource finalMarkWaiting, Task finalMarkMayCommit)
    {
        var proxy = Create<IStateStore, RelayRaceStore>();
        var gates = (RelayRaceStore)(object)proxy;
        (gates._inner, gates._relayMayRead, gates._finalMarkWaiting, gates._finalMarkMayCommit) = (inner, relayMayRead, finalMarkWaiting, finalMarkMayCommit);
        return (proxy, gates);
    }

    protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
    {
        switch (targetMethod!.Name)
        {
            case nameof(IStateStore.ReadUnpublishedEventsAsync) when args![0] is null:
                return ReadLaterAsync((CancellationToken)args[1]!);
            case nameof(IStateStore.CommitAsync) when ((StateChanges)args![0]!).ReleasedLeases.Count > 0:
                return CommitLaterAsync((StateChanges)args[0]!, (CancellationToken)args[1]!);
            case nameof(IStateStore.AcquireLeaseAsync):
                Interlocked.Increment(ref _acquisitions);
                break;
        }

        return targetMethod.Invoke(_inner, args);
    }

    private async Task<IReadOnlyList<AgentManager.Events.AgentManagerEvent>> ReadLaterAsync(CancellationToken cancellationToken)
    {
        await _relayMayRead;
        return await _inner.ReadUnpublishedEventsAsync(null, cancellationToken);
    }

    private async Task CommitLaterAsync(StateChanges changes, CancellationToken cancellationToken)
    {
        _finalMarkWaiting.TrySetResult();
        await _finalMarkMayCommit;
        await _inner.CommitAsync(changes, cancellationToken);
    }
}

/// <summary>A store that keeps no workflow requests, as one that relies on the interface's defaults.</summary>
public class NoWorkflowRequestsStore : System.Reflection.DispatchProxy
{
    private IStateStore _inner = null!;

    internal static IStateStore Create(IStateStore inner)
    {
        var proxy = Create<IStateStore, NoWorkflowRequestsStore>();
        ((NoWorkflowRequestsStore)(object)proxy)._inner = inner;
        return proxy;
    }

    protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) => targetMethod!.Name switch
    {
        nameof(IStateStore.StoreWorkflowRequestAsync) => System.Threading.Tasks.Task.FromException<WorkflowRequest?>(new NotSupportedException("no workflow requests here")),
        nameof(IStateStore.GetWorkflowRequestsAsync) => System.Threading.Tasks.Task.FromResult<IReadOnlyList<WorkflowRequest>>([]),
        _ => targetMethod.Invoke(_inner, args),
    };
}

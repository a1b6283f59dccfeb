using System.Reflection;
using System.Runtime.ExceptionServices;
using AgentManager.Persistence;

namespace AgentManager.Tests.Adhoc;

/// <summary>A state store where, just before the first commit fenced by a lease, another host takes that lease over
/// (as when the writer's lease expired meanwhile) and gives it back at once: that commit is refused as stale.</summary>
public class TakeOverOnceStore : DispatchProxy
{
    private IStateStore _inner = null!;
    private int _done;

    internal static IStateStore Create(IStateStore inner)
    {
        var proxy = Create<IStateStore, TakeOverOnceStore>();
        ((TakeOverOnceStore)(object)proxy)._inner = inner;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name == nameof(IStateStore.CommitAsync) && args![0] is StateChanges { FencingTokens.Count: > 0, Transitions.Count: > 0 } changes
            && Interlocked.Exchange(ref _done, 1) == 0)
        {
            return TakeOverThenCommitAsync(changes, (CancellationToken)args[1]!);
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }

    private async Task TakeOverThenCommitAsync(StateChanges changes, CancellationToken cancellationToken)
    {
        var (workflowId, token) = changes.FencingTokens.Single();
        var now = TimeProvider.System.GetUtcNow();
        var claim = new LeaseClaim { WorkflowId = workflowId, Owner = "other-host", Now = now, ExpiresAt = now + TimeSpan.FromMinutes(1), TakeOverToken = token };
        var other = await _inner.AcquireLeaseAsync(claim, cancellationToken);
        var giveBack = new StateChanges();
        giveBack.FencingTokens[workflowId] = other.Token;
        giveBack.ReleasedLeases.Add(workflowId);
        await _inner.CommitAsync(giveBack, cancellationToken);
        await _inner.CommitAsync(changes, cancellationToken);
    }
}

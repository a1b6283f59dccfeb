using System.Reflection;
using System.Runtime.ExceptionServices;
using AgentManager.Persistence;

namespace AgentManager.Tests.Adhoc;

/// <summary>A state store that makes racing changes overlap: after one chosen read (the last one a change makes
/// before it writes) it waits at a meeting point shared with the other racers' stores until each of them has made
/// that read too, or was refused the lease (then the lease keeps them apart and waiting longer would hang).</summary>
public class RendezvousStore : DispatchProxy
{
    private IStateStore _inner = null!;
    private Rendezvous _meeting = null!;
    private string _read = null!;

    /// <param name="inner">The store.</param>
    /// <param name="meeting">The meeting point of the racers.</param>
    /// <param name="read"><see cref="IStateStore.GetWorkflowAsync"/> or <see cref="IStateStore.GetTasksAsync"/>.</param>
    internal static IStateStore Create(IStateStore inner, Rendezvous meeting, string read)
    {
        var proxy = Create<IStateStore, RendezvousStore>();
        var store = (RendezvousStore)(object)proxy;
        (store._inner, store._meeting, store._read) = (inner, meeting, read);
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var name = targetMethod!.Name;
        if (name == _read && name == nameof(IStateStore.GetWorkflowAsync))
        {
            return ReadWorkflowThenMeetAsync((string)args![0]!, (CancellationToken)args[1]!);
        }

        if (name == _read && name == nameof(IStateStore.GetTasksAsync))
        {
            return ReadTasksThenMeetAsync((string)args![0]!, (CancellationToken)args[1]!);
        }

        if (name == nameof(IStateStore.AcquireLeaseAsync))
        {
            return AcquireAsync((LeaseClaim)args![0]!, (CancellationToken)args[1]!);
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            // The in-memory store throws some refusals before it returns a task; the caller must see them unwrapped.
            ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }

    private async Task<WorkflowRecord?> ReadWorkflowThenMeetAsync(string workflowId, CancellationToken cancellationToken)
    {
        var workflow = await _inner.GetWorkflowAsync(workflowId, cancellationToken);
        await _meeting.ArriveAsync();
        return workflow;
    }

    private async Task<IReadOnlyList<TaskRecord>> ReadTasksThenMeetAsync(string workflowId, CancellationToken cancellationToken)
    {
        var tasks = await _inner.GetTasksAsync(workflowId, cancellationToken);
        await _meeting.ArriveAsync();
        return tasks;
    }

    private async Task<WorkflowLease> AcquireAsync(LeaseClaim claim, CancellationToken cancellationToken)
    {
        try
        {
            return await _inner.AcquireLeaseAsync(claim, cancellationToken);
        }
        catch (LeaseHeldException)
        {
            _ = _meeting.ArriveAsync();
            throw;
        }
    }
}

/// <summary>Where the first <paramref name="parties"/> arrivals wait for each other; later arrivals go on at once. The
/// wait gives up after 30 s, so that a test fails on its assertions instead of hanging.</summary>
internal sealed class Rendezvous(int parties)
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public Task ArriveAsync()
    {
        if (Interlocked.Increment(ref _arrived) >= parties)
        {
            _all.TrySetResult();
        }

        return _all.Task.IsCompleted ? Task.CompletedTask : Task.WhenAny(_all.Task, Task.Delay(TimeSpan.FromSeconds(30)));
    }
}

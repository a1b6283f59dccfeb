using System.Runtime.CompilerServices;
using AgentManager.Events;

namespace AgentManager.Workflows;

/// <summary>The engine loop's unbounded command queue: many writers, one reader (the loop). Writers append to a
/// list under a lock; the loop swaps the whole list out and reads the batch without locking, and is woken only
/// when it had parked on an empty queue.</summary>
/// <remarks>An unbounded <see cref="System.Threading.Channels.Channel{T}"/> made attempt workers wait for its
/// lock and wake the parked loop through the thread pool for nearly every post: half of the workers' time in
/// the 100,000-task profile (docs/performance.md, R1).</remarks>
internal sealed class EngineInbox
{
    private readonly Lock _lock = new();
    private readonly ReaderSignal _signal;
    private readonly DeferredWake _deferredWake;
    private List<IEngineCommand> _incoming = [];
    private List<IEngineCommand> _batch = [];
    private int _next;
    private bool _readerParked;
    private bool _completed;

    // Set under the lock whenever a command is added; read without it by a reader about to park.
    private volatile bool _added;

    public EngineInbox()
    {
        _signal = new ReaderSignal();
        _deferredWake = new DeferredWake(_signal);
    }

    /// <summary>Queues a command unless the inbox is completed.</summary>
    /// <param name="command">The command.</param>
    /// <param name="wake">Where a parked loop resumes.</param>
    /// <returns><see langword="false"/> when the inbox is completed.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every attempt, twice
    public bool TryWrite(IEngineCommand command, InboxWake wake = InboxWake.ThreadPool)
    {
        bool parked;
        lock (_lock)
        {
            if (_completed)
            {
                return false;
            }

            _incoming.Add(command);
            _added = true;
            parked = _readerParked;
            _readerParked = false;
        }

        if (!parked)
        {
            return true;
        }

        if (wake == InboxWake.AfterQueuedWork)
        {
            // At the end of the thread pool's global queue, so that the work queued before it (attempts that
            // will post their own results) runs first and the loop handles their commands in one turn.
            ThreadPool.UnsafeQueueUserWorkItem(_deferredWake, preferLocal: false);
        }
        else
        {
            _signal.Set(true, wake == InboxWake.Here);
        }

        return true;
    }

    /// <summary>Takes the next command. Only the loop calls this.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every command
    public bool TryRead(out IEngineCommand command)
    {
        if (_next < _batch.Count)
        {
            command = _batch[_next++];
            return true;
        }

        _batch.Clear();
        _next = 0;
        lock (_lock)
        {
            if (_incoming.Count == 0)
            {
                command = null!;
                return false;
            }

            (_batch, _incoming) = (_incoming, _batch);
            _added = false;
        }

        command = _batch[_next++];
        return true;
    }

    /// <summary>Gets whether a command can be read now without waiting. Only the loop calls this.</summary>
    public bool HasQueued => _next < _batch.Count || _added;

    /// <summary>Waits until a command can be read (<see langword="true"/>) or the inbox is completed and empty
    /// (<see langword="false"/>). Only the loop calls this, and never twice at once.</summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        if (_next < _batch.Count)
        {
            return new ValueTask<bool>(true);
        }

        // No spin before parking: the loop mostly runs on the thread of the worker whose last post woke it
        // (`InboxWake.Here`), and that thread is also the one that would run the attempts it launched,
        // so a spin waited for commands only the spinning thread could produce. Measured on the 100,000-task
        // run, 99 % of turns parked after the spin anyway; parking at once frees the thread for the attempt
        // (docs/performance.md).
        lock (_lock)
        {
            if (_incoming.Count > 0 || _completed)
            {
                return new ValueTask<bool>(_incoming.Count > 0);
            }

            _readerParked = true;
            return _signal.Reset();
        }
    }

    /// <summary>Refuses further commands and wakes a parked loop; what was queued can still be read.</summary>
    public void Complete()
    {
        bool wake;
        lock (_lock)
        {
            _completed = true;
            wake = _readerParked;
            _readerParked = false;
        }

        if (wake)
        {
            _signal.Set(false);
        }
    }

    /// <summary>Takes the commands not yet swapped out by the loop, for a caller other than the loop once the
    /// inbox is completed.</summary>
    public List<IEngineCommand> TakeQueued()
    {
        lock (_lock)
        {
            var queued = _incoming;
            _incoming = [];
            return queued;
        }
    }
}

/// <summary>Where a command's writer resumes a parked engine loop.</summary>
internal enum InboxWake
{
    /// <summary>On a thread-pool thread.</summary>
    ThreadPool,

    /// <summary>On the writing thread, which has nothing left to do (a worker reporting the end of its attempt).</summary>
    Here,

    /// <summary>On a thread-pool thread, after the work already in the thread pool's global queue.</summary>
    AfterQueuedWork,
}

/// <summary>Wakes the parked loop from the thread pool's global queue: one instance per inbox, queued at most once
/// per park (only the writer that finds the loop parked queues it).</summary>
internal sealed class DeferredWake(ReaderSignal signal) : IThreadPoolWorkItem
{
    public void Execute() => signal.Set(true, inline: true);
}

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
    private readonly ReaderSignal _signal = new();
    private List<EngineCommand> _incoming = [];
    private List<EngineCommand> _batch = [];
    private int _next;
    private bool _readerParked;
    private bool _completed;

    // Set under the lock whenever a command is added; read without it by a reader about to park.
    private volatile bool _added;

    /// <summary>Queues a command unless the inbox is completed.</summary>
    /// <param name="command">The command.</param>
    /// <param name="runReaderHere">Whether a parked loop resumes on this thread instead of the thread pool:
    /// for a caller that has nothing left to do (a worker reporting the end of its attempt).</param>
    /// <returns><see langword="false"/> when the inbox is completed.</returns>
    public bool TryWrite(EngineCommand command, bool runReaderHere = false)
    {
        bool wake;
        lock (_lock)
        {
            if (_completed)
            {
                return false;
            }

            _incoming.Add(command);
            _added = true;
            wake = _readerParked;
            _readerParked = false;
        }

        if (wake)
        {
            _signal.Set(true, runReaderHere);
        }

        return true;
    }

    /// <summary>Takes the next command. Only the loop calls this.</summary>
    public bool TryRead(out EngineCommand command)
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

        // Spin briefly before parking: a worker often posts the next command within a microsecond or two,
        // and a parked loop is woken through the thread pool (several microseconds).
        var spinner = default(SpinWait);
        while (!spinner.NextSpinWillYield)
        {
            if (_added)
            {
                return new ValueTask<bool>(true);
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }

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
    public List<EngineCommand> TakeQueued()
    {
        lock (_lock)
        {
            var queued = _incoming;
            _incoming = [];
            return queued;
        }
    }
}

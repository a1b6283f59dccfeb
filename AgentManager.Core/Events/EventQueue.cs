using System.Threading.Channels;

namespace AgentManager.Events;

/// <summary>The bounded queue of one subscription: many writers, one reader. Writers append to a list
/// under a lock; the reader swaps the whole list out at once and reads its batch without locking, and
/// is woken only when it had parked on an empty queue.</summary>
/// <remarks>
/// <para>A bounded <see cref="Channel{T}"/> took its lock on both sides for every event and woke a parked
/// reader through the thread pool for nearly every event: 0.2–1.3 µs per delivered event. Here a
/// publish costs one uncontended lock and a list append; the reader pays one lock and at most one
/// wake-up per batch, and a batch grows by itself while the reader is being woken.</para>
/// <para>Capacity counts the events queued and not yet taken by the reader, like a bounded channel's;
/// the batch the reader holds is at most one capacity more. Writers that find the queue full wait in
/// order, and their events go in ahead of any later write.</para>
/// </remarks>
internal sealed class EventQueue
{
    private const int BatchGrowthSpins = 64;

    private readonly Lock _lock = new();
    private readonly int _capacity;
    private readonly ReaderSignal _signal = new();
    private readonly Queue<WaitingWrite> _writers = new();
    private List<AgentManagerEvent> _incoming = [];
    private List<AgentManagerEvent> _batch = [];
    private int _next;
    private bool _readerParked;
    private bool _completed;

    // Set under the lock whenever an event is added; read without it by a reader about to park.
    private volatile bool _added;

    public EventQueue(int capacity)
    {
        _capacity = capacity;
    }

    /// <summary>Queues an event when there is room and no writer waits before it.</summary>
    /// <returns><see langword="false"/> when the queue is full or completed.</returns>
    public bool TryWrite(AgentManagerEvent @event)
    {
        bool wake;
        lock (_lock)
        {
            if (_completed || _writers.Count > 0 || _incoming.Count >= _capacity)
            {
                return false;
            }

            _incoming.Add(@event);
            _added = true;
            wake = _readerParked;
            _readerParked = false;
        }

        if (wake)
        {
            _signal.Set(true);
        }

        return true;
    }

    /// <summary>Queues an event, waiting behind the writers already waiting while the queue is full.</summary>
    /// <exception cref="ChannelClosedException">The queue was completed before the event got in.</exception>
    public ValueTask WriteAsync(AgentManagerEvent @event, CancellationToken cancellationToken)
    {
        WaitingWrite write;
        var wake = false;
        lock (_lock)
        {
            if (_completed)
            {
                return ValueTask.FromException(new ChannelClosedException());
            }

            if (_writers.Count == 0 && _incoming.Count < _capacity)
            {
                _incoming.Add(@event);
                _added = true;
                (wake, _readerParked) = (_readerParked, false);
                write = null!;
            }
            else if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled(cancellationToken);
            }
            else
            {
                write = new WaitingWrite(this, @event);
                _writers.Enqueue(write);
            }
        }

        if (write is null)
        {
            if (wake)
            {
                _signal.Set(true);
            }

            return default;
        }

        if (cancellationToken.CanBeCanceled)
        {
            write.Registration = cancellationToken.UnsafeRegister(
                static (state, token) => ((WaitingWrite)state!).Queue.Cancel((WaitingWrite)state!, token), write);
        }

        return new ValueTask(write.Done.Task);
    }

    /// <summary>Takes the next event. Only the reader calls this.</summary>
    public bool TryRead(out AgentManagerEvent @event)
    {
        if (_next < _batch.Count)
        {
            @event = _batch[_next++];
            return true;
        }

        _batch.Clear();
        _next = 0;
        List<WaitingWrite>? admitted = null;
        lock (_lock)
        {
            AdmitWriters(ref admitted);
            if (_incoming.Count == 0)
            {
                @event = null!;
                return false;
            }

            (_batch, _incoming) = (_incoming, _batch);
            _added = false;
            AdmitWriters(ref admitted);
        }

        if (admitted is not null)
        {
            foreach (var write in admitted)
            {
                write.Registration.Dispose();
                write.Done.TrySetResult();
            }
        }

        @event = _batch[_next++];
        return true;
    }

    /// <summary>Waits until an event can be read (<see langword="true"/>) or the queue is completed and
    /// empty (<see langword="false"/>). Only the reader calls this, and never twice at once.</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        if (_next < _batch.Count)
        {
            return new ValueTask<bool>(true);
        }

        // Spin briefly before parking: a publisher usually adds the next event within a microsecond or
        // two, and waking a parked reader goes through the thread pool (several microseconds).
        var spinner = default(SpinWait);
        while (!spinner.NextSpinWillYield)
        {
            if (_added)
            {
                // Let the batch grow a little: taking one event at a time makes the reader's swap and
                // the writers' appends contend for the lock on every event.
                Thread.SpinWait(BatchGrowthSpins);
                return new ValueTask<bool>(true);
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }

        ValueTask<bool> wait;
        lock (_lock)
        {
            if (_incoming.Count > 0 || _completed)
            {
                return new ValueTask<bool>(_incoming.Count > 0);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled<bool>(cancellationToken);
            }

            wait = _signal.Reset();
            _readerParked = true;
        }

        if (!cancellationToken.CanBeCanceled)
        {
            return wait;
        }

        return WaitCancellableAsync(wait, cancellationToken);
    }

    /// <summary>Refuses further writes: waiting writers fail with <see cref="ChannelClosedException"/>;
    /// the reader still reads what was queued.</summary>
    public void Complete()
    {
        List<WaitingWrite> refused;
        bool wake;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            refused = [.. _writers.Where(w => !w.Cancelled)];
            _writers.Clear();
            wake = _readerParked;
            _readerParked = false;
        }

        foreach (var write in refused)
        {
            write.Registration.Dispose();
            write.Done.TrySetException(new ChannelClosedException());
        }

        if (wake)
        {
            _signal.Set(false);
        }
    }

    /// <summary>Moves waiting writers' events into the queue while it has room, in order. Under the lock.</summary>
    private void AdmitWriters(ref List<WaitingWrite>? admitted)
    {
        while (_writers.Count > 0 && _incoming.Count < _capacity)
        {
            var write = _writers.Dequeue();
            if (!write.Cancelled)
            {
                write.Admitted = true;
                _incoming.Add(write.Event);
                _added = true;
                (admitted ??= []).Add(write);
            }
        }
    }

    private async ValueTask<bool> WaitCancellableAsync(ValueTask<bool> wait, CancellationToken cancellationToken)
    {
        using (cancellationToken.UnsafeRegister(static state => ((EventQueue)state!).WakeParkedReader(), this))
        {
            var result = await wait.ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return result;
        }
    }

    private void WakeParkedReader()
    {
        bool wake;
        lock (_lock)
        {
            wake = _readerParked;
            _readerParked = false;
        }

        if (wake)
        {
            _signal.Set(true);
        }
    }

    private void Cancel(WaitingWrite write, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (write.Admitted)
            {
                return;
            }

            write.Cancelled = true;
        }

        write.Done.TrySetCanceled(cancellationToken);
    }

    private sealed class WaitingWrite(EventQueue queue, AgentManagerEvent @event)
    {
        public EventQueue Queue { get; } = queue;

        public AgentManagerEvent Event { get; } = @event;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }

        public bool Admitted { get; set; }

        public bool Cancelled { get; set; }
    }
}

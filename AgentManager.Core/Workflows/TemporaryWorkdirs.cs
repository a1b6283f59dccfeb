using System.Collections.Concurrent;
using AgentManager.Agents;
using AgentManager.Events;
using AgentManager.Lifecycle;

namespace AgentManager.Workflows;

/// <summary>Removes the <see cref="WorkdirMode.Temporary"/> directory of a task once the task has ended
/// (completed, failed or cancelled) and no attempt of it is running any more.</summary>
/// <remarks>The end of a task is learnt from its event; the subscription is made when the first temporary
/// directory is, so hosts without temporary workdirs pay nothing. Removal runs on the thread pool.</remarks>
internal sealed class TemporaryWorkdirs(IEventBus bus)
{
    private static readonly string[] EndTypes = [EventTypes.TaskCompleted, EventTypes.TaskFailed, EventTypes.TaskCancelled];

    private readonly ConcurrentDictionary<(string WorkflowId, string TaskId), Entry> _entries = new();
    private readonly object _subscribeLock = new();
    private IAsyncDisposable? _subscription;

    /// <summary>Records that an attempt works in <paramref name="workdir"/>; dispose the result when it ends.</summary>
    public IDisposable Acquire(string workflowId, string taskId, TaskWorkdir workdir)
    {
        EnsureSubscribed();
        var key = (workflowId, taskId);
        var entry = _entries.GetOrAdd(key, _ => new Entry(workdir));
        lock (entry)
        {
            entry.Users++;
        }

        return new Lease(this, key, entry);
    }

    private void EnsureSubscribed()
    {
        if (_subscription is not null)
        {
            return;
        }

        lock (_subscribeLock)
        {
            _subscription ??= bus.Subscribe(new EventFilter(types: EndTypes), (@event, _) =>
            {
                if (@event is TaskEvent { Transition.To: var to } task && to.IsTerminal() && _entries.TryGetValue((task.WorkflowId, task.TaskId), out var entry))
                {
                    lock (entry)
                    {
                        entry.Ended = true;
                    }

                    RemoveIfDone((task.WorkflowId, task.TaskId), entry);
                }

                return ValueTask.CompletedTask;
            });
        }
    }

    private void Release((string, string) key, Entry entry)
    {
        lock (entry)
        {
            entry.Users--;
        }

        RemoveIfDone(key, entry);
    }

    private void RemoveIfDone((string, string) key, Entry entry)
    {
        lock (entry)
        {
            if (!entry.Ended || entry.Users > 0 || entry.Removed)
            {
                return;
            }

            entry.Removed = true;
        }

        _entries.TryRemove(new KeyValuePair<(string, string), Entry>(key, entry));
        ThreadPool.UnsafeQueueUserWorkItem(static workdir => workdir.Dispose(), entry.Workdir, preferLocal: false);
    }

    private sealed class Entry(TaskWorkdir workdir)
    {
        public TaskWorkdir Workdir { get; } = workdir;

        public int Users { get; set; }

        public bool Ended { get; set; }

        public bool Removed { get; set; }
    }

    private sealed class Lease(TemporaryWorkdirs owner, (string, string) key, Entry entry) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(key, entry);
            }
        }
    }
}

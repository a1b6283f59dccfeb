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
    /// <remarks>A task's attempts may run under different agents (the repair ladder), each with a directory of its
    /// own: every directory an attempt of the task used is removed when the task ends.</remarks>
    public IDisposable Acquire(string workflowId, string taskId, TaskWorkdir workdir)
    {
        EnsureSubscribed();
        var key = (workflowId, taskId);
        while (true)
        {
            var entry = _entries.GetOrAdd(key, static _ => new Entry());
            lock (entry)
            {
                if (entry.Removed)
                {
                    continue; // the task ended and its directories went just now: a new attempt starts a new entry
                }

                entry.Users++;
                if (!entry.Workdirs.Exists(w => string.Equals(w.Path, workdir.Path, StringComparison.Ordinal)))
                {
                    entry.Workdirs.Add(workdir);
                }
            }

            return new Lease(this, key, entry);
        }
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
        ThreadPool.UnsafeQueueUserWorkItem(
            static workdirs =>
            {
                foreach (var workdir in workdirs)
                {
                    workdir.Dispose();
                }
            },
            entry.Workdirs,
            preferLocal: false);
    }

    private sealed class Entry
    {
        /// <summary>Gets the directories the task's attempts used, one per agent root; changed under the entry's lock.</summary>
        public List<TaskWorkdir> Workdirs { get; } = [];

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

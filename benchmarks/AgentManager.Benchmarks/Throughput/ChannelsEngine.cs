using System.Threading.Channels;

namespace AgentManager.Benchmarks.Throughput;

/// <summary>The practical in-process limit: a bare dispatcher on one unbounded channel of ready task
/// numbers, in-degree counters, and as many workers as the concurrency limit. With <paramref name="journal"/>
/// (<c>channels-journal</c>) it also appends a record of each of a task's four moves (ready, running, verifying,
/// completed) to an in-memory journal kept to the end, with the task's id and a timestamp: the least bookkeeping
/// of an engine that records every transition, as a second reference next to the bare dispatcher.</summary>
internal sealed class ChannelsEngine(int concurrency, bool journal = false) : IThroughputEngine
{
    public string Name => journal ? "channels-journal" : "channels";

    public string? Unsupported(Workload workload) => null;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task RunAsync(Workload workload, HopRecorder? hops, CancellationToken cancellationToken)
    {
        var run = new Run(workload, journal ? new Journal(workload.Count) : null);
        Func<int, CancellationToken, ValueTask> body = (task, _) =>
        {
            TaskBody.Run(task, hops);
            return ValueTask.CompletedTask;
        };

        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            workers[w] = Task.Run(() => WorkAsync(run, body, cancellationToken), cancellationToken);
        }

        await Task.WhenAll(workers);
        if (run.Completed != workload.Count)
        {
            throw new InvalidOperationException($"Only {run.Completed} of {workload.Count} tasks completed.");
        }
    }

    /// <summary>A run's counters and journal are garbage once it returns: nothing to forget.</summary>
    public Task ForgetFinishedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static async Task WorkAsync(Run run, Func<int, CancellationToken, ValueTask> body, CancellationToken cancellationToken)
    {
        var reader = run.Ready.Reader;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            while (reader.TryRead(out var task))
            {
                run.Journal?.Append(task, Move.Running);
                await body(task, cancellationToken);
                run.Journal?.Append(task, Move.Verifying);
                run.Complete(task);
            }
        }
    }

    private sealed class Run
    {
        private readonly Workload _workload;
        private readonly int[] _unmet;
        private int _completed;

        public Run(Workload workload, Journal? journal)
        {
            _workload = workload;
            Journal = journal;
            _unmet = workload.InDegrees();
            for (var i = 0; i < _unmet.Length; i++)
            {
                if (_unmet[i] == 0)
                {
                    MakeReady(i);
                }
            }
        }

        public Journal? Journal { get; }

        public Channel<int> Ready { get; } = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

        public int Completed => Volatile.Read(ref _completed);

        private void MakeReady(int task)
        {
            Journal?.Append(task, Move.Ready);
            Ready.Writer.TryWrite(task);
        }

        public void Complete(int task)
        {
            Journal?.Append(task, Move.Completed);
            foreach (var child in _workload.ChildrenOf(task))
            {
                if (Interlocked.Decrement(ref _unmet[child]) == 0)
                {
                    MakeReady(child);
                }
            }

            if (Interlocked.Increment(ref _completed) == _workload.Count)
            {
                Ready.Writer.TryComplete();
            }
        }
    }

    private enum Move : byte
    {
        Ready,
        Running,
        Verifying,
        Completed,
    }

    private sealed record JournalRecord(string TaskId, Move To, DateTimeOffset At);

    /// <summary>Every move of every task, appended under a lock and kept until the run ends.</summary>
    private sealed class Journal(int tasks)
    {
        private readonly string[] _ids = Enumerable.Range(0, tasks).Select(Workload.TaskId).ToArray();
        private readonly List<JournalRecord> _records = new(4 * tasks);
        private readonly Lock _lock = new();

        public void Append(int task, Move to)
        {
            var record = new JournalRecord(_ids[task], to, TimeProvider.System.GetUtcNow());
            lock (_lock)
            {
                _records.Add(record);
            }
        }
    }
}

using System.Threading.Channels;

namespace AgentManager.Benchmarks.Throughput;

/// <summary>The practical in-process limit: a bare dispatcher on one unbounded channel of ready task
/// numbers, in-degree counters, and as many workers as the concurrency limit.</summary>
internal sealed class ChannelsEngine(int concurrency) : IThroughputEngine
{
    public string Name => "channels";

    public string? Unsupported(Workload workload) => null;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task RunAsync(Workload workload, HopRecorder? hops, CancellationToken cancellationToken)
    {
        var run = new Run(workload);
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

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static async Task WorkAsync(Run run, Func<int, CancellationToken, ValueTask> body, CancellationToken cancellationToken)
    {
        var reader = run.Ready.Reader;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            while (reader.TryRead(out var task))
            {
                await body(task, cancellationToken);
                run.Complete(task);
            }
        }
    }

    private sealed class Run
    {
        private readonly Workload _workload;
        private readonly int[] _unmet;
        private int _completed;

        public Run(Workload workload)
        {
            _workload = workload;
            _unmet = workload.InDegrees();
            for (var i = 0; i < _unmet.Length; i++)
            {
                if (_unmet[i] == 0)
                {
                    Ready.Writer.TryWrite(i);
                }
            }
        }

        public Channel<int> Ready { get; } = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

        public int Completed => Volatile.Read(ref _completed);

        public void Complete(int task)
        {
            foreach (var child in _workload.ChildrenOf(task))
            {
                if (Interlocked.Decrement(ref _unmet[child]) == 0)
                {
                    Ready.Writer.TryWrite(child);
                }
            }

            if (Interlocked.Increment(ref _completed) == _workload.Count)
            {
                Ready.Writer.TryComplete();
            }
        }
    }
}

using Hangfire;
using Hangfire.InMemory;

namespace AgentManager.Benchmarks.Throughput;

/// <summary>Hangfire.Core with Hangfire.InMemory storage and one BackgroundJobServer, tuned for speed the
/// way a user would: the worker count that ran fastest here (<see cref="DefaultWorkers"/>), short polling and check
/// intervals, long integer ids, the 1.8 data format. Dependencies are continuations (<c>ContinueJobWith</c>).</summary>
internal sealed class HangfireEngine(int workers) : IThroughputEngine
{
    /// <summary>One worker: on the 2-core machine of docs/performance.md it ran no-op jobs as fast as 2 workers on
    /// <c>independent</c> and 30 % faster than 2, 4 or 8 on <c>tree</c> (the client that enqueues and the workers share
    /// the cores, and more workers contend for the storage).</summary>
    public const int DefaultWorkers = 1;

    /// <summary>Hangfire's configuration and job filters are global: set once per process.</summary>
    private static readonly Lazy<bool> GlobalsSet = new(SetGlobals);

    private InMemoryStorage? _storage;
    private BackgroundJobServer? _server;
    private BackgroundJobClient? _client;

    public string Name => "hangfire";

    /// <summary>Hangfire.Core continuations wait for exactly one parent; jobs with several parents need
    /// Hangfire.Pro batch continuations, which this runner does not use.</summary>
    public string? Unsupported(Workload workload) =>
        workload.MaxParents() > 1 ? "multi_parent_dependencies" : null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = GlobalsSet.Value;
        _storage = new InMemoryStorage(new InMemoryStorageOptions { IdType = InMemoryStorageIdType.Long });
        _client = new BackgroundJobClient(_storage);
        _server = new BackgroundJobServer(
            new BackgroundJobServerOptions
            {
                WorkerCount = workers,
                SchedulePollingInterval = TimeSpan.FromMilliseconds(100),
                ServerCheckInterval = TimeSpan.FromSeconds(5),
                HeartbeatInterval = TimeSpan.FromSeconds(5),
                CancellationCheckInterval = TimeSpan.FromSeconds(5),
            },
            _storage);
        return Task.CompletedTask;
    }

    /// <summary>Stops the server and starts a new one on a new, empty storage: Hangfire.InMemory keeps a succeeded
    /// job for a day (or the storage's <c>MaxExpirationTime</c>), and a shorter retention would remove a parent before
    /// a large workload's continuations of it are created.</summary>
    public async Task ForgetFinishedAsync(CancellationToken cancellationToken)
    {
        await DisposeAsync();
        await StartAsync(cancellationToken);
    }

    private static bool SetGlobals()
    {
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings();
        GlobalJobFilters.Filters.Add(new HangfireJobs.CountSucceeded());
        return true;
    }

    public async Task RunAsync(Workload workload, HopRecorder? hops, CancellationToken cancellationToken)
    {
        var client = _client ?? throw new InvalidOperationException("Call StartAsync first.");
        if (Unsupported(workload) is { } reason)
        {
            throw new NotSupportedException(reason);
        }

        var done = HangfireJobs.Reset(workload.Count, hops);
        var ids = new string[workload.Count];
        for (var i = 0; i < workload.Count; i++)
        {
            var task = i;
            var parents = workload.ParentsOf(i);
            ids[i] = parents.Length == 0
                ? client.Enqueue(() => HangfireJobs.Run(task))
                : client.ContinueJobWith(ids[parents[0]], () => HangfireJobs.Run(task));
        }

        await done.WaitAsync(cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        _server?.SendStop();
        _server?.Dispose();
        _storage?.Dispose();
        return ValueTask.CompletedTask;
    }
}

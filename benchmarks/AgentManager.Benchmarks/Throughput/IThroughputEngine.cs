namespace AgentManager.Benchmarks.Throughput;

/// <summary>One engine of the throughput runner.</summary>
internal interface IThroughputEngine : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Why the engine cannot express a workload, as one token for the result line, or
    /// <see langword="null"/> when it can.</summary>
    string? Unsupported(Workload workload);

    /// <summary>Gets ready to run (a host, a server): not timed.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Submits every task of the workload and returns once all have completed: timed. Throws
    /// when a task did not complete.</summary>
    Task RunAsync(Workload workload, HopRecorder? hops, CancellationToken cancellationToken);

    /// <summary>Forgets the work that has finished, as a long-running host's retention would, between the rounds of a
    /// steady-state warm-up: not timed. An engine that keeps nothing between runs does nothing.</summary>
    Task ForgetFinishedAsync(CancellationToken cancellationToken);
}

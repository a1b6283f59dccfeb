using System.Diagnostics;
using AgentManager.Execution;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Benchmarks.Throughput;

/// <summary>The real AgentManager engine, registered with <c>AddAgentManager()</c> (the in-memory store,
/// with <c>UseSqliteStore()</c> a SQLite file in a fresh temporary directory, or with <c>UsePostgres()</c> a fresh
/// schema of the PostgreSQL database <c>postgres</c> names, dropped after the run: every transition durable),
/// running one workflow whose tasks all use a no-op delegate agent. The run is what
/// <c>engine.RunAsync(workflow)</c> does (create, start, wait for completion), with each phase timed
/// for the log. With <c>attempts</c> k above 1 every task fails its first k − 1 attempts and passes the k-th, each retry
/// a plain L1 retry without backoff (<c>RetryPolicy.MaxAttempts</c> = k, <c>InitialDelay</c> zero).</summary>
internal sealed class AgentManagerEngine(int concurrency, TextWriter? log = null, bool sqlite = false, int attempts = 1, string? postgres = null) : IThroughputEngine
{
    private const string AgentId = "noop";
    private static readonly AgentResult Done = AgentResult.Success();
    private static readonly AgentResult NotYet = AgentResult.Failure("not yet");

    private ServiceProvider? _services;
    private string? _directory;
    private string? _schema;
    private IWorkflowEngine? _engine;
    private volatile HopRecorder? _hops;

    public string Name => "agentmanager";

    /// <summary>Gets or sets what runs just before the engine's <c>CreateAsync</c> is called (the profile's create phase).</summary>
    public Action? CreateCalled { get; set; }

    /// <summary>Gets or sets what runs as soon as the engine's <c>CreateAsync</c> returned.</summary>
    public Action? CreateReturned { get; set; }

    public string? Unsupported(Workload workload) => null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddAgentManager(o =>
            {
                o.MaxConcurrency = concurrency;
                if (attempts > 1)
                {
                    o.Retry.MaxAttempts = attempts;
                    o.Retry.InitialDelay = TimeSpan.Zero;
                }
            })
            .AddAgent(AgentId, new DelegateAgentRunner(RunTask));
        if (sqlite)
        {
            _directory = Directory.CreateTempSubdirectory("agentmanager-bench-").FullName;
            builder.UseSqliteStore(o => o.Path = Path.Combine(_directory, "state.db"));
            log?.WriteLine($"agentmanager: SQLite store at {_directory}/state.db (WAL, synchronous=NORMAL), deleted after the run");
        }
        else if (postgres is not null)
        {
            _schema = "bench_" + Guid.NewGuid().ToString("N");
            builder.UsePostgres(o => (o.ConnectionString, o.Schema) = (postgres, _schema));
            log?.WriteLine($"agentmanager: PostgreSQL store in schema {_schema}, dropped after the run");
        }

        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _engine = _services.GetRequiredService<IWorkflowEngine>();
        return Task.CompletedTask;
    }

    public async Task RunAsync(Workload workload, HopRecorder? hops, CancellationToken cancellationToken)
    {
        var engine = _engine ?? throw new InvalidOperationException("Call StartAsync first.");
        _hops = hops;
        var clock = Stopwatch.StartNew();
        var atStart = PhaseCost.Now();
        var (id, defined, atDefined) = await CreateAsync(engine, workload, clock, CreateCalled, cancellationToken);
        CreateReturned?.Invoke();
        var created = clock.Elapsed;
        var atCreated = PhaseCost.Now();
        await engine.StartAsync(id, cancellationToken);
        await WaitForCompletionAsync(engine, id, workload, cancellationToken);
        var finished = clock.Elapsed;
        var atFinished = PhaseCost.Now();
        // Nothing past the workload runs here: the caller reads the peak RSS and the bytes allocated after this returns.
        log?.WriteLine($"agentmanager/{workload.Kind.Name()}: define {Ms(defined)} ms, create (validate, graph, records) {Ms(created - defined)} ms, start to completion summary {Ms(finished - created)} ms");
        log?.WriteLine($"agentmanager/{workload.Kind.Name()}: define {atDefined.Minus(atStart)}; create {atCreated.Minus(atDefined)}; start to completion {atFinished.Minus(atCreated)}");
    }

    /// <summary>Deletes the finished workflows (<c>PurgeAsync</c>), with their tasks, transitions and events.</summary>
    public async Task ForgetFinishedAsync(CancellationToken cancellationToken)
    {
        var engine = _engine ?? throw new InvalidOperationException("Call StartAsync first.");
        await engine.PurgeAsync(TimeSpan.Zero, cancellationToken);
    }

    /// <summary>Describes the workload and creates the workflow. A method of its own, so that the definition, which
    /// the engine does not keep past create, is not kept by this caller either (a local of <see cref="RunAsync"/> would
    /// live in its state machine until the run ends).</summary>
    private static async Task<(string Id, TimeSpan Defined, PhaseCost AtDefined)> CreateAsync(IWorkflowEngine engine, Workload workload, Stopwatch clock, Action? createCalled, CancellationToken cancellationToken)
    {
        var workflow = new WorkflowDefinition { DefaultAgentId = AgentId };
        workload.AddTasksTo(workflow);

        var defined = clock.Elapsed;
        var atDefined = PhaseCost.Now();
        createCalled?.Invoke();
        return (await engine.CreateAsync(workflow, cancellationToken), defined, atDefined);
    }

    /// <summary>Waits for completion and checks the summary; it is not kept, so that the timed second summary is
    /// the only one alive while it is made.</summary>
    private static async Task WaitForCompletionAsync(IWorkflowEngine engine, string id, Workload workload, CancellationToken cancellationToken)
    {
        var summary = await engine.WaitForCompletionAsync(id, cancellationToken);
        if (summary.Status != WorkflowStatus.Completed || summary.Completed != workload.Count)
        {
            throw new InvalidOperationException($"The workflow ended {summary.Status} with {summary.Completed} of {workload.Count} tasks completed: {summary.Reason}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_schema is not null)
        {
            await ScratchStorage.DropSchemaAsync(postgres!, _schema);
        }

        if (_directory is not null)
        {
            ScratchStorage.DeleteSqliteDirectory(_directory);
        }
    }

    private static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture);

    private ValueTask<AgentResult> RunTask(AgentInvocation invocation, CancellationToken cancellationToken)
    {
        var hops = _hops;
        if (hops is not null)
        {
            TaskBody.Run(Workload.IndexOf(invocation.TaskId), hops);
        }

        return ValueTask.FromResult(invocation.Attempt < attempts ? NotYet : Done);
    }
}

using System.Diagnostics;
using AgentManager.Benchmarks.Cli;
using AgentManager.Benchmarks.Throughput;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Benchmarks.StoreReads;

/// <summary><c>storereads [--store sqlite|postgres [--postgres CONN]] [--finished 1000] [--running 20] [--tasks 2000]
/// [--rounds 3]</c>: fills a store with finished and running workflows (each running one has one task blocked for a
/// human; PostgreSQL's tables are then analyzed), then times, round by round, the reads of the human inbox, of
/// <c>GET /status</c> and of a 20-workflow page of <c>GET /workflows</c>: as the store answers them
/// (<c>QueryWorkflowsAsync</c>, <c>CountTasksAsync</c>, <c>QueryTasksAsync</c>) and through the interface's
/// defaults, which read every workflow and every task they need, as a store without those members does.</summary>
internal static class StoreReadsCommand
{
    private const int PageSize = 20;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log)
    {
        var line = Arguments.Parse(args);
        var storeName = line.Text("store", "sqlite");
        var postgres = line.Text("postgres", Environment.GetEnvironmentVariable(ThroughputCommand.PostgresVariable) ?? "");
        var finished = line.Int("finished", 1000, min: 0);
        var running = line.Int("running", 20);
        var tasks = line.Int("tasks", 2000, min: 8);
        var rounds = line.Int("rounds", 3);
        line.ThrowIfUnknown();
        if (storeName is not ("sqlite" or "postgres"))
        {
            throw new UsageException($"Unknown store '{storeName}'; use sqlite or postgres.");
        }

        if (storeName == "postgres" && postgres.Length == 0)
        {
            throw new UsageException($"--store postgres needs a connection string: --postgres CONN or {ThroughputCommand.PostgresVariable}.");
        }

        await using var scratch = new ScratchStore(storeName, postgres);
        var store = scratch.Store;
        var fill = Stopwatch.StartNew();
        await FillAsync(store, finished, running, tasks);
        await scratch.AnalyzeAsync();
        log.WriteLine($"storereads: {storeName}, {finished} finished and {running} running workflows of {tasks} tasks each, written in {fill.Elapsed.TotalSeconds:F1} s");

        var defaults = new AgentManager.Tests.Persistence.DefaultMembersStore(store);
        for (var round = 1; round <= rounds; round++)
        {
            output.WriteLine(
                $"store={storeName} round={round} workflows={finished + running} tasks={(long)tasks * (finished + running)}"
                + $" inbox_ms={await TimeAsync(() => InboxAsync(store, running))} inbox_defaults_ms={await TimeAsync(() => InboxAsync(defaults, running))}"
                + $" status_ms={await TimeAsync(() => StatusAsync(store, tasks, finished + running))} status_defaults_ms={await TimeAsync(() => StatusAsync(defaults, tasks, finished + running))}"
                + $" page_ms={await TimeAsync(() => PageAsync(store, running))} page_defaults_ms={await TimeAsync(() => PageAsync(defaults, running))}");
        }

        return ExitCodes.Ok;
    }

    private static async Task FillAsync(IStateStore store, int finished, int running, int tasks)
    {
        var at = DateTimeOffset.UtcNow;
        for (var w = 0; w < finished + running; w++)
        {
            var id = $"wf-{w:D6}";
            var unfinished = w >= finished;
            var changes = new StateChanges();
            changes.Workflows.Add(new WorkflowRecord { WorkflowId = id, Name = "storereads", Status = unfinished ? WorkflowStatus.Running : WorkflowStatus.Completed, CreatedAt = at, Metadata = new Dictionary<string, string>() });
            changes.CreatedWorkflows.Add(id);
            for (var t = 0; t < tasks; t++)
            {
                var state = !unfinished ? TaskState.Completed : t == 7 ? TaskState.BlockedHitl : t < 7 ? TaskState.Completed : TaskState.Pending;
                changes.Tasks.Add(new TaskRecord { WorkflowId = id, TaskId = "t" + t, Ordinal = t, State = state, AgentId = "agent", Dependencies = [], Resources = [] });
            }

            await store.CommitAsync(changes, CancellationToken.None);
        }
    }

    /// <summary>What the inbox reads: the unfinished workflows, then their blocked tasks.</summary>
    private static async Task InboxAsync(IStateStore store, int running)
    {
        var unfinished = await store.QueryWorkflowsAsync(WorkflowQuery.Unfinished, CancellationToken.None);
        var blocked = (await store.QueryTasksAsync(new TaskQuery { WorkflowIds = [.. unfinished.Workflows.Select(w => w.WorkflowId)], States = [TaskState.BlockedHitl] }, CancellationToken.None)).Tasks;
        Check(blocked.Count == running, $"the inbox read {blocked.Count} blocked tasks, not {running}");
    }

    /// <summary>What <c>GET /status</c> reads: every task's state, counted, and the number of workflows.</summary>
    private static async Task StatusAsync(IStateStore store, int tasks, int workflows)
    {
        var counted = (await store.CountTasksAsync(null, CancellationToken.None)).Sum(c => (long)c.Count);
        var total = (await store.QueryWorkflowsAsync(new WorkflowQuery { Limit = 0 }, CancellationToken.None)).Total;
        Check(counted == (long)tasks * workflows && total == workflows, $"the status counted {counted} tasks of {total} workflows");
    }

    /// <summary>What <c>GET /workflows?status=running&amp;limit=20</c> reads: a page and its task counts.</summary>
    private static async Task PageAsync(IStateStore store, int running)
    {
        var page = await store.QueryWorkflowsAsync(new WorkflowQuery { Statuses = [WorkflowStatus.Running], Limit = PageSize }, CancellationToken.None);
        var counts = await store.CountTasksAsync([.. page.Workflows.Select(w => w.WorkflowId)], CancellationToken.None);
        Check(page.Total == running && counts.Count == 3 * page.Workflows.Count, $"the page held {page.Workflows.Count} of {page.Total} workflows and {counts.Count} counts");
    }

    private static async Task<string> TimeAsync(Func<Task> read)
    {
        var clock = Stopwatch.StartNew();
        await read();
        return clock.Elapsed.TotalMilliseconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Check(bool holds, string otherwise)
    {
        if (!holds)
        {
            throw new InvalidOperationException("storereads: " + otherwise);
        }
    }

    /// <summary>A SQLite file in a fresh temporary directory or a fresh PostgreSQL schema, deleted when disposed.</summary>
    private sealed class ScratchStore : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private readonly string? _directory;
        private readonly string? _schema;
        private readonly string _postgres;

        public ScratchStore(string store, string postgres)
        {
            _postgres = postgres;
            var services = new ServiceCollection();
            services.AddLogging();
            var builder = services.AddAgentManager();
            if (store == "sqlite")
            {
                _directory = Directory.CreateTempSubdirectory("agentmanager-storereads-").FullName;
                builder.UseSqliteStore(o => o.Path = Path.Combine(_directory, "state.db"));
            }
            else
            {
                _schema = "storereads_" + Guid.NewGuid().ToString("N");
                builder.UsePostgres(o => (o.ConnectionString, o.Schema) = (postgres, _schema));
            }

            _services = services.BuildServiceProvider();
            Store = _services.GetRequiredService<IStateStore>();
        }

        public IStateStore Store { get; }

        /// <summary>Gives PostgreSQL's planner the statistics of the filled tables, as autovacuum does some time after a
        /// bulk write: a round that overlapped autovacuum's own analyze measured the race, not the reads.</summary>
        public async Task AnalyzeAsync()
        {
            if (_schema is not null)
            {
                await ScratchStorage.ExecuteAsync(_postgres, $"ANALYZE \"{_schema}\".workflows, \"{_schema}\".tasks");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _services.DisposeAsync();
            if (_directory is not null)
            {
                ScratchStorage.DeleteSqliteDirectory(_directory);
            }

            if (_schema is not null)
            {
                await ScratchStorage.DropSchemaAsync(_postgres, _schema);
            }
        }
    }
}

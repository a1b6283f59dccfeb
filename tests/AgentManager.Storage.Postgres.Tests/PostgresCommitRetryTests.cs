using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AgentManager.Storage.Postgres.Tests;

/// <summary>A commit whose connection breaks is sent again, and stored once whether or not the broken try was applied.</summary>
[Collection(PostgresTestGroup.Name)]
public sealed class PostgresCommitRetryTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private readonly List<PostgresDatabase> _databases = [];

    private PostgresStateStore Open(string schema, TimeSpan retryTime)
    {
        var database = new PostgresDatabase(NpgsqlDataSource.Create(server.ConnectionString), schema, ownsDataSource: true) { CommitRetryTime = retryTime };
        _databases.Add(database);
        return new PostgresStateStore(database);
    }

    private static StateChanges Created()
    {
        var changes = new StateChanges();
        changes.Workflows.Add(new WorkflowRecord { WorkflowId = "wf", Status = WorkflowStatus.Running, CreatedAt = T0, FencingToken = 0 });
        changes.CreatedWorkflows.Add("wf");
        changes.Tasks.Add(new TaskRecord { WorkflowId = "wf", TaskId = "t0", Ordinal = 0, State = TaskState.Ready });
        return changes;
    }

    private static StateChanges Started()
    {
        var changes = new StateChanges();
        var move = new TaskTransition("wf", "t0", TaskState.Ready, TaskState.Implementing, TaskTrigger.Start, null, TaskLifecycle.EngineActor, 1, T0);
        changes.Transitions.Add(move);
        changes.Events.Add(move);
        changes.FencingTokens["wf"] = 0;
        return changes;
    }

    /// <summary>The answer of an applied commit was lost and the same commit comes again: nothing is stored twice.</summary>
    [Fact]
    public async Task CommitOnce_SameCommitIdAgain_IsAcceptedAndStoresNothingMore()
    {
        var store = Open(PostgresServer.NewSchema(), TimeSpan.Zero);
        await store.CommitAsync(Created(), CancellationToken.None);
        var id = Guid.NewGuid();
        var started = Started();

        await store.CommitOnceAsync(started, id, CancellationToken.None);
        await store.CommitOnceAsync(started, id, CancellationToken.None);

        Assert.Single(await store.GetTransitionsAsync("wf", "t0", CancellationToken.None));
        Assert.Single(await store.ReadEventsAsync(new EventLogQuery(), CancellationToken.None));
    }

    /// <summary>The server ends the commit's connection while it waits for a lock: the store sends it again on a new
    /// connection, and it is stored once when the lock is free.</summary>
    [Fact]
    public async Task Commit_ConnectionEndedByTheServer_IsSentAgainAndStoredOnce()
    {
        await using var blocked = await BlockedCommitAsync(TimeSpan.FromMinutes(1));

        var waiting = await blocked.EndCommitConnectionAsync();
        var retried = await blocked.WaitForLockWaiterAsync(exclude: waiting);
        await blocked.ReleaseAsync();
        await blocked.Commit.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(waiting, retried);
        Assert.Single(await blocked.Store.GetTransitionsAsync("wf", "t0", CancellationToken.None));
    }

    [Fact]
    public async Task Commit_ConnectionEndedWithRetriesOff_FailsAndStoresNothing()
    {
        await using var blocked = await BlockedCommitAsync(TimeSpan.Zero);

        await blocked.EndCommitConnectionAsync();
        var failure = await Assert.ThrowsAnyAsync<NpgsqlException>(() => blocked.Commit.WaitAsync(TimeSpan.FromSeconds(30)));
        await blocked.ReleaseAsync();

        Assert.True(failure.IsTransient);
        Assert.Empty(await blocked.Store.GetTransitionsAsync("wf", "t0", CancellationToken.None));
    }

    [Fact]
    public void Options_NegativeCommitRetryTime_IsRefusedNamingTheValue()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddAgentManager()
            .UsePostgres(o => (o.ConnectionString, o.CommitRetryTime) = (server.ConnectionString, TimeSpan.FromSeconds(-1))));

        Assert.Contains("CommitRetryTime is -00:00:01", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A stored workflow whose row another connection holds locked, and a commit of it that waits for the lock.</summary>
    private async Task<BlockedCommit> BlockedCommitAsync(TimeSpan retryTime)
    {
        var schema = PostgresServer.NewSchema();
        var store = Open(schema, retryTime);
        await store.CommitAsync(Created(), CancellationToken.None);
        var holder = new NpgsqlConnection(server.ConnectionString);
        await holder.OpenAsync();
        var transaction = await holder.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand($"SELECT 1 FROM \"{schema}\".workflows WHERE workflow_id = 'wf' FOR UPDATE", holder, transaction))
        {
            await hold.ExecuteNonQueryAsync();
        }

        // pg_stat_activity is read once per transaction: watch it from a connection outside the one holding the lock.
        var monitor = new NpgsqlConnection(server.ConnectionString);
        await monitor.OpenAsync();
        return new BlockedCommit(store, holder, transaction, monitor, Task.Run(() => store.CommitAsync(Started(), CancellationToken.None)));
    }

    private sealed class BlockedCommit(PostgresStateStore store, NpgsqlConnection holder, NpgsqlTransaction transaction, NpgsqlConnection monitor, Task commit) : IAsyncDisposable
    {
        public PostgresStateStore Store => store;

        public Task Commit => commit;

        /// <summary>Ends the connection of the waiting commit, as a server restart or a network failure would; returns its process id.</summary>
        public async Task<int> EndCommitConnectionAsync()
        {
            var waiting = await WaitForLockWaiterAsync(exclude: monitor.ProcessID);
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend($1)", monitor) { Parameters = { new() { Value = waiting } } };
            await kill.ExecuteNonQueryAsync();
            return waiting;
        }

        /// <summary>The process id of a backend of this database waiting for a lock, other than <paramref name="exclude"/>.</summary>
        public async Task<int> WaitForLockWaiterAsync(int exclude)
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (true)
            {
                await using var find = new NpgsqlCommand(
                    "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> $1 AND datname = current_database() LIMIT 1", monitor)
                {
                    Parameters = { new() { Value = exclude } },
                };
                if (await find.ExecuteScalarAsync(patience.Token) is int pid)
                {
                    return pid;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, patience.Token);
            }
        }

        public Task ReleaseAsync() => transaction.CommitAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await holder.DisposeAsync();
            await monitor.DisposeAsync();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }
}

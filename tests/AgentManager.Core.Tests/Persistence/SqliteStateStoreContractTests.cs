using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Persistence.Sqlite;
using AgentManager.Workflows;
using Microsoft.Data.Sqlite;

namespace AgentManager.Tests.Persistence;

public sealed class SqliteStateStoreContractTests : StateStoreContractTests, IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentmanager-sqlite-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteStateStore> _stores = [];

    private string DatabasePath => Path.Combine(_directory, "nested", "state.db");

    protected override Task<IStateStore> CreateStoreAsync(CancellationToken cancellationToken) =>
        System.Threading.Tasks.Task.FromResult<IStateStore>(Open());

    private SqliteStateStore Open()
    {
        var store = new SqliteStateStore(new SqliteStoreOptions { Path = DatabasePath });
        _stores.Add(store);
        return store;
    }

    public System.Threading.Tasks.Task InitializeAsync() => System.Threading.Tasks.Task.CompletedTask;

    public async System.Threading.Tasks.Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Reopen_SameFile_FindsEverythingCommitted()
    {
        var first = Open();
        var changes = new StateChanges();
        changes.Workflows.Add(Workflow());
        changes.Tasks.Add(Task("t0", 0));
        changes.Transitions.Add(Transition("t0", TaskState.Pending, TaskState.Ready, TaskTrigger.DependenciesMet, 0, 1));
        await first.CommitAsync(changes, CancellationToken.None);
        await first.DisposeAsync();

        var second = Open();

        Assert.Equal("nightly build", (await second.GetWorkflowAsync("wf-1", CancellationToken.None))!.Name);
        Assert.Single(await second.GetTransitionsAsync("wf-1", "t0", CancellationToken.None));
    }

    /// <summary>Another process's write transaction makes a commit wait (up to BusyTimeout), not fail.</summary>
    [Fact]
    public async Task Commit_WhileAnotherConnectionWrites_WaitsForItsLock()
    {
        var store = Open();
        var changes = new StateChanges();
        changes.Workflows.Add(Workflow());
        await store.CommitAsync(changes, CancellationToken.None);
        await using var other = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await other.OpenAsync();
        var transaction = other.BeginTransaction(deferred: false);
        var next = new StateChanges();
        next.Tasks.Add(Task("t0", 0));

        var commit = System.Threading.Tasks.Task.Run(() => store.CommitAsync(next, CancellationToken.None));
        await System.Threading.Tasks.Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System);
        transaction.Commit();
        await commit;

        Assert.Single(await store.GetTasksAsync("wf-1", CancellationToken.None));
    }

    [Fact]
    public async Task Commit_ManyEventsInOneBatch_LogsEveryEventInOrder()
    {
        var store = Open();
        var changes = new StateChanges();
        changes.Workflows.Add(Workflow());
        changes.Tasks.Add(Task("t0", 0));
        for (var i = 0; i < 23; i++)
        {
            var transition = Transition("t0", TaskState.Ready, TaskState.Implementing, TaskTrigger.Start, i, i);
            changes.Transitions.Add(transition);
            changes.Events.Add(transition);
            changes.Events.Add(new AgentManager.Events.WorkflowEvent(AgentManager.Events.EventTypes.WorkflowStarted, "wf-1", transition.Timestamp));
        }

        await store.CommitAsync(changes, CancellationToken.None);

        var log = await store.GetEventLogAsync("wf-1", CancellationToken.None);
        Assert.Equal(changes.Events.Select(e => (e.Type, e is AgentManager.Events.TaskEvent ? "t0" : null)), log);
    }

    [Fact]
    public async Task Open_DatabaseFromANewerVersion_IsRefusedWithAClearError()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            await command.ExecuteNonQueryAsync();
        }

        var store = Open();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetWorkflowAsync("x", CancellationToken.None));
        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_Version1Database_IsMigratedAndItsTasksStayOnL1WithTheirAttempts()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = File.ReadAllText(RepositoryFiles.PathOf("AgentManager.Core/Persistence/Sqlite/Migrations/001_initial.sql")) + """

                PRAGMA user_version = 1;
                INSERT INTO workflows (workflow_id, status, created_ticks, created_offset, metadata) VALUES ('old', 'running', 0, 0, '{}');
                INSERT INTO tasks (workflow_id, task_id, ordinal, state, attempt, priority, dependencies, resources)
                VALUES ('old', 't0', 0, 'blocked_repair', 2, 0, '[]', '[]');
                """;
            await command.ExecuteNonQueryAsync();
        }

        var store = Open();

        var task = (await store.GetTaskAsync("old", "t0", CancellationToken.None))!;
        Assert.Equal((TaskState.BlockedRepair, 2, RepairLevel.Retry, 2, null), (task.State, task.Attempt, task.Level, task.LevelAttempts, task.CurrentAgentId));
    }

    [Fact]
    public async Task Purge_ManyRunsOfASchedule_KeepTheDatabaseFromGrowing()
    {
        var store = Open();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var fixture = new Workflows.EngineFixture(time: time, store: store);
        var sizes = new List<long>();
        for (var round = 0; round < 6; round++)
        {
            for (var run = 0; run < 10; run++)
            {
                var workflow = Workflows.EngineFixture.Workflow(
                    Workflows.EngineFixture.NoOp,
                    Enumerable.Range(0, 20).Select(i => Workflows.EngineFixture.Task($"t{i}")).ToArray());
                await fixture.RunAsync(workflow);
                time.Advance(TimeSpan.FromMinutes(1));
            }

            Assert.Equal(10, (await fixture.Engine.PurgeAsync(TimeSpan.FromSeconds(1))).Count);
            sizes.Add(await SqliteFileSize.PagesAsync(DatabasePath));
        }

        Assert.Empty(await store.ListWorkflowsAsync(CancellationToken.None));
        // Freed pages are reused: after the first rounds the file stays within a few pages (B-tree
        // layout varies), instead of growing by a round's worth (~60 KB) each time.
        Assert.True(sizes[^1] <= sizes[1] * 1.1, $"the database grew across purged rounds: {string.Join(", ", sizes)} bytes");
    }

    [Fact]
    public async Task EventLog_HoldsEveryCommittedEventOnce()
    {
        var store = Open();
        await using var fixture = new Workflows.EngineFixture(store: store);
        var workflow = Workflows.EngineFixture.Workflow(Workflows.EngineFixture.NoOp, Workflows.EngineFixture.Task("a"), Workflows.EngineFixture.Task("b", "a"));
        workflow.Id = "logged";

        await fixture.RunAsync(workflow);

        var log = await store.GetEventLogAsync("logged", CancellationToken.None);
        Assert.Equal("workflow_created", log[0].Type);
        Assert.Equal("workflow_completed", log[^1].Type);
        Assert.Single(log, e => e == ("task_completed", "a"));
        Assert.Single(log, e => e == ("task_completed", "b"));
        Assert.Equal(WorkflowStatus.Completed, (await store.GetWorkflowAsync("logged", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Open_Version4Database_CountsItsEventsAsPublishedAndLeavesItsWorkflowsUnleased()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            var scripts = new[] { "001_initial", "002_repair_and_inbox", "003_schedules", "004_event_details" }
                .Select(name => File.ReadAllText(RepositoryFiles.PathOf($"AgentManager.Core/Persistence/Sqlite/Migrations/{name}.sql")));
            command.CommandText = string.Join("\n", scripts) + """

                PRAGMA user_version = 4;
                INSERT INTO workflows (workflow_id, status, created_ticks, created_offset, metadata) VALUES ('old', 'running', 0, 0, '{}');
                INSERT INTO tasks (workflow_id, task_id, ordinal, state, attempt, priority, dependencies, resources) VALUES ('old', 't0', 0, 'implementing', 1, 0, '[]', '[]');
                INSERT INTO events (workflow_id, type, task_id, reason, at_ticks, at_offset) VALUES ('old', 'task_ready', 't0', NULL, 0, 0);
                """;
            await command.ExecuteNonQueryAsync();
        }

        var store = Open();

        Assert.Empty(await store.ReadUnpublishedEventsAsync(null, CancellationToken.None));
        var workflow = (await store.GetWorkflowAsync("old", CancellationToken.None))!;
        Assert.Equal((null, null, 0L), (workflow.LeaseOwner, workflow.LeaseExpiresAt, workflow.FencingToken));
        Assert.Equal(0L, (await store.GetTaskAsync("old", "t0", CancellationToken.None))!.FencingToken);
        var lease = await store.AcquireLeaseAsync(new LeaseClaim { WorkflowId = "old", Owner = "engine", Now = DateTimeOffset.UnixEpoch, ExpiresAt = DateTimeOffset.UnixEpoch.AddMinutes(1) }, CancellationToken.None);
        Assert.Equal(1L, lease.Token);
    }

    /// <summary>Makes the database file as an earlier version left it: the migration scripts up to
    /// <paramref name="version"/>, that user version, then <paramref name="rows"/>.</summary>
    private async Task CreateDatabaseAtVersionAsync(int version, string rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        var scripts = Enumerable.Range(1, version)
            .Select(v => Directory.GetFiles(RepositoryFiles.PathOf("AgentManager.Core/Persistence/Sqlite/Migrations"), $"{v:000}_*.sql").Single())
            .Select(File.ReadAllText);
        command.CommandText = string.Join("\n", scripts) + $"\nPRAGMA user_version = {version};\n" + rows;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Reads whether the file has the index and which schema version it is at.</summary>
    private async Task<(bool HasIndex, int Version)> IndexAndVersionAsync(string index)
    {
        await using var check = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await check.OpenAsync();
        using var query = check.CreateCommand();
        query.CommandText = "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = $index), (SELECT user_version FROM pragma_user_version)";
        query.Parameters.AddWithValue("$index", index);
        using var reader = await query.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetInt64(0) == 1, reader.GetInt32(1));
    }

    /// <summary>A version 7 file gets the index of running workflows, and its workflows are found by the takeover query.</summary>
    [Fact]
    public async Task Open_Version7Database_IndexesItsRunningWorkflowsAndListsTheUnheldOnes()
    {
        await CreateDatabaseAtVersionAsync(7, """
                INSERT INTO workflows (workflow_id, status, created_ticks, created_offset, metadata, lease_owner, lease_expires_ticks, lease_expires_offset, fencing_token)
                VALUES ('abandoned', 'running', 0, 0, '{}', 'dead-host', 10, 0, 3),
                       ('held', 'running', 0, 0, '{}', 'live-host', 1000, 0, 1),
                       ('done', 'completed', 0, 0, '{}', NULL, NULL, NULL, 2);
                """);

        var store = Open();

        var unheld = Assert.Single(await store.ListUnheldRunningWorkflowsAsync(new DateTimeOffset(500, TimeSpan.Zero), CancellationToken.None));
        Assert.Equal(("abandoned", "dead-host", 3L), (unheld.WorkflowId, unheld.LeaseOwner, unheld.FencingToken));
        Assert.Equal((true, SqliteMigrations.CurrentVersion), await IndexAndVersionAsync("ix_workflows_running"));
    }

    /// <summary>A version 10 file gets the index of workflows by status, and its workflows are paged by status.</summary>
    [Fact]
    public async Task Open_Version10Database_IndexesItsWorkflowsByStatusAndPagesThem()
    {
        await CreateDatabaseAtVersionAsync(10, """
                INSERT INTO workflows (workflow_id, status, created_ticks, created_offset, metadata, fencing_token)
                VALUES ('done', 'completed', 0, 0, '{}', 0), ('first', 'running', 0, 0, '{}', 0), ('second', 'created', 0, 0, '{}', 0), ('third', 'running', 0, 0, '{}', 0);
                """);

        var page = await Open().QueryWorkflowsAsync(new WorkflowQuery { Statuses = WorkflowQuery.Unfinished.Statuses, Offset = 1, Limit = 1 }, CancellationToken.None);

        Assert.Equal(["second"], page.Workflows.Select(w => w.WorkflowId));
        Assert.Equal(3, page.Total);
        Assert.Equal((true, SqliteMigrations.CurrentVersion), await IndexAndVersionAsync("ix_workflows_status"));
    }

    /// <summary>A version 8 file gets the stored-plan columns of schedules; its schedules read as before.</summary>
    [Fact]
    public async Task Open_Version8Database_KeepsItsSchedulesAndStoresTheirPlan()
    {
        await CreateDatabaseAtVersionAsync(8, $"""
                INSERT INTO schedules (schedule_id, interval_ticks, plan_path, missed_run_policy, allow_overlap, paused, updated_ticks, updated_offset, revision)
                VALUES ('hourly', {TimeSpan.TicksPerHour}, '/plans/a.json', 'skip', 0, 0, 0, 0, 1);
                """);

        var store = Open();

        var before = (await store.GetScheduleAsync("hourly", CancellationToken.None))!;
        var moved = await store.TrySaveScheduleAsync(before with { PlanPath = null, PlanId = "release", PlanVersion = 2 }, CancellationToken.None);
        Assert.Equal(("/plans/a.json", (string?)null, (int?)null), (before.PlanPath, before.PlanId, before.PlanVersion));
        Assert.Equal(moved, await store.GetScheduleAsync("hourly", CancellationToken.None));
        Assert.Equal(("release", 2), (moved!.PlanId, moved.PlanVersion!.Value));
    }

    [Fact]
    public async Task Open_VersionOneDatabase_MigratesAndKeepsItsEventsReadable()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        using (var script = new StreamReader(typeof(SqliteStateStore).Assembly.GetManifestResourceStream("AgentManager.Sqlite.001_initial.sql")!))
        {
            await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = await script.ReadToEndAsync() + """

                PRAGMA user_version = 1;
                INSERT INTO workflows (workflow_id, status, created_ticks, created_offset, metadata) VALUES ('old', 'running', 0, 0, '{}');
                INSERT INTO events (workflow_id, type, task_id, reason, at_ticks, at_offset) VALUES ('old', 'task_ready', 't0', NULL, 0, 0);
                """;
            await command.ExecuteNonQueryAsync();
        }

        var store = Open();

        var log = await store.ReadEventsAsync(new EventLogQuery(), CancellationToken.None);
        var entry = Assert.Single(log);
        Assert.Equal(("task_ready", "t0"), (entry.Type, entry.TaskId));
        Assert.Null(entry.Transition);
        Assert.Null(entry.CorrelationId);
    }
}

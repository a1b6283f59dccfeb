using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Tests.Workflows;
using AgentManager.Workflows;
using Npgsql;
using static AgentManager.Tests.Workflows.EngineFixture;

namespace AgentManager.Storage.Postgres.Tests;

/// <summary>What several hosts on one PostgreSQL schema need beyond the shared lease tests
/// (<see cref="PostgresLeaseTests"/>): the event log in commit order, and creations that race in the database.</summary>
[Collection(PostgresTestGroup.Name)]
public sealed class PostgresMultiHostTests(PostgresServer server)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private static WorkflowDefinition Definition(IAgentRunner agent, int count = 6, string id = "shared")
    {
        var tasks = Enumerable.Range(0, count).Select(i => i == 0 ? Task("t0") : Task($"t{i}", $"t{i - 1}")).ToArray();
        var workflow = Workflow(agent, tasks);
        workflow.Id = id;
        return workflow;
    }

    /// <summary>Hosts committing at the same time: a reader that pages through the log by sequence while they write
    /// (as a resumed SSE stream does) sees every event exactly once, because ids become visible in increasing
    /// order.</summary>
    [Fact]
    public async Task EventLog_HostsWritingAtOnce_AReaderPagingBySequenceMissesNothing()
    {
        await using var schema = new SharedSchema(server);
        var hosts = Enumerable.Range(0, 3).Select(_ => schema.Engine(TimeProvider.System)).ToArray();
        var reader = schema.Open();
        var seen = new List<long>();
        using var done = new CancellationTokenSource();
        var paging = System.Threading.Tasks.Task.Run(async () =>
        {
            var last = 0L;
            while (true)
            {
                var finished = done.IsCancellationRequested;
                var page = await reader.ReadEventsAsync(new EventLogQuery { After = last, Limit = EventLogQuery.MaxLimit }, CancellationToken.None);
                seen.AddRange(page.Select(e => e.Sequence));
                last = page.Count > 0 ? page[^1].Sequence : last;
                if (finished && page.Count == 0)
                {
                    return;
                }
            }
        });

        var runs = hosts.SelectMany((host, h) => Enumerable.Range(0, 4).Select(r =>
        {
            var definition = Definition(NoOp, count: 15, id: $"h{h}-r{r}");
            return (Host: host, Definition: definition);
        })).ToArray();
        var summaries = await System.Threading.Tasks.Task.WhenAll(runs.Select(run => run.Host.RunAsync(run.Definition)));
        await done.CancelAsync();
        await paging.WaitAsync(LadderKit.Patience);

        Assert.All(summaries, s => Assert.Equal(WorkflowStatus.Completed, s.Status));
        var all = await reader.ReadEventsAsync(new EventLogQuery { Limit = EventLogQuery.MaxLimit }, CancellationToken.None);
        Assert.True(all.Count > 12 * 15, $"only {all.Count} events were logged");
        Assert.Equal(all.Select(e => e.Sequence), seen);
    }

    /// <summary>Two hosts create one workflow id at the same instant: both find the id free, the second insert waits
    /// for the first transaction and is then refused as an existing workflow, storing nothing.</summary>
    [Fact]
    public async Task Commit_CreatingAWorkflowAnotherHostIsCreatingInAnOpenTransaction_IsRefusedOnceThatCommits()
    {
        await using var schema = new SharedSchema(server);
        var store = schema.Open();
        await store.ListWorkflowsAsync(CancellationToken.None); // creates the schema
        await using var other = new NpgsqlConnection(server.ConnectionString);
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            $"INSERT INTO \"{schema.Schema}\".workflows (workflow_id, status, created_ticks, created_offset, metadata, input_tokens, output_tokens, cost) VALUES ('twin', 'created', 0, 0, '{{}}', 0, 0, 0)",
            other, transaction))
        {
            await insert.ExecuteNonQueryAsync();
        }

        var changes = new StateChanges();
        changes.Workflows.Add(new WorkflowRecord { WorkflowId = "twin", Name = "mine", Status = WorkflowStatus.Created, CreatedAt = T0 });
        changes.CreatedWorkflows.Add("twin");
        changes.Tasks.Add(new TaskRecord { WorkflowId = "twin", TaskId = "t0", Ordinal = 0, State = TaskState.Pending });
        var commit = System.Threading.Tasks.Task.Run(() => store.CommitAsync(changes, CancellationToken.None));
        await System.Threading.Tasks.Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        Assert.False(commit.IsCompleted, "the commit did not wait for the other transaction's insert");
        await transaction.CommitAsync();

        var refused = await Assert.ThrowsAsync<WorkflowExistsException>(() => commit.WaitAsync(LadderKit.Patience));
        Assert.Equal("twin", refused.WorkflowId);
        Assert.Null((await store.GetWorkflowAsync("twin", CancellationToken.None))!.Name);
        Assert.Empty(await store.GetTasksAsync("twin", CancellationToken.None));
    }
}

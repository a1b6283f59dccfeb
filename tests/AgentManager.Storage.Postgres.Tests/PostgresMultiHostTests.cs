using System.Collections.Concurrent;
using AgentManager.Events;
using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Tests.Workflows;
using AgentManager.Workflows;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using static AgentManager.Tests.Workflows.EngineFixture;

namespace AgentManager.Storage.Postgres.Tests;

/// <summary>Several engines on one PostgreSQL schema, each with its own connection pool, as several hosts run one
/// workload: a workflow is run by the engine that holds its lease, an engine whose lease was taken over writes
/// nothing more, and the event log reads the same from every host.</summary>
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

    private static async Task<int> CompletionsAsync(IStateStore store, string workflowId, string taskId) =>
        (await store.GetTransitionsAsync(workflowId, taskId, CancellationToken.None)).Count(t => t.To == TaskState.Completed);

    [Fact]
    public async Task ResumeAsync_TwoHostsAtOnce_ExactlyOneRunsTheWorkflowAndEveryTaskCompletesOnce()
    {
        await using var schema = new SharedSchema(server);
        var time = new FakeTimeProvider(T0);
        var creator = schema.Engine(time);
        await creator.Engine.CreateAsync(Definition(NoOp));
        await creator.DisposeAsync();
        var runs = new ConcurrentQueue<string>();
        var agent = Agent((inv, _) =>
        {
            runs.Enqueue(inv.TaskId);
            return ValueTask.FromResult(AgentResult.Success());
        });
        var hosts = new[] { schema.Engine(time), schema.Engine(time) };

        var attempts = await System.Threading.Tasks.Task.WhenAll(hosts.Select(async host =>
        {
            try
            {
                await host.Engine.ResumeAsync(Definition(agent));
                return (Host: host, Error: (Exception?)null);
            }
            catch (LeaseHeldException ex)
            {
                return (Host: host, Error: ex);
            }
        }));

        var winner = Assert.Single(attempts, a => a.Error is null).Host;
        var refused = Assert.IsType<LeaseHeldException>(Assert.Single(attempts, a => a.Error is not null).Error);
        Assert.Equal("shared", refused.Current.WorkflowId);
        await winner.Engine.StartAsync("shared");
        var summary = await winner.Engine.WaitForCompletionAsync("shared").WaitAsync(LadderKit.Patience);
        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"t{i}"), runs);
        var store = schema.Open();
        foreach (var task in summary.Tasks)
        {
            Assert.Equal(1, await CompletionsAsync(store, "shared", task.TaskId));
        }

        Assert.Null((await store.GetWorkflowAsync("shared", CancellationToken.None))!.LeaseOwner);
    }

    [Fact]
    public async Task LeaseTakenOverAfterExpiry_TheFirstHostsLaterWritesAreRefusedAndTheSecondFinishesTheWork()
    {
        await using var schema = new SharedSchema(server);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = schema.Engine(new FakeTimeProvider(T0));
        var stalled = Agent(async (_, _) =>
        {
            started.TrySetResult();
            await gate.Task;
            return AgentResult.Success();
        });
        var id = await first.Engine.CreateAsync(Definition(stalled, count: 3));
        await first.Engine.StartAsync(id);
        await started.Task.WaitAsync(LadderKit.Patience);
        var firstFinished = first.Engine.WaitForCompletionAsync(id);

        // The first host's clock stands still, so it never renews; the second one's is past the lease.
        var second = schema.Engine(new FakeTimeProvider(T0 + TimeSpan.FromMinutes(5)));
        await second.Engine.ResumeAsync(Definition(NoOp, count: 3));
        var summary = await second.Engine.WaitForCompletionAsync(id).WaitAsync(LadderKit.Patience);
        gate.SetResult();

        var lost = await Assert.ThrowsAsync<LeaseLostException>(() => firstFinished.WaitAsync(LadderKit.Patience));
        Assert.Equal((id, 1L, 2L), (lost.WorkflowId, lost.HeldToken, lost.CurrentToken));
        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        var store = schema.Open();
        foreach (var task in summary.Tasks)
        {
            Assert.Equal(1, await CompletionsAsync(store, id, task.TaskId));
        }

        var reclaimed = Assert.Single(await store.GetTransitionsAsync(id, "t0", CancellationToken.None), t => t.Trigger == TaskTrigger.LeaseExpired);
        Assert.Contains("expired", reclaimed.Reason, StringComparison.Ordinal);
        var log = await store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter(id), Limit = 1000 }, CancellationToken.None);
        Assert.Equal(3, log.Count(e => e.Type == EventTypes.TaskCompleted));
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

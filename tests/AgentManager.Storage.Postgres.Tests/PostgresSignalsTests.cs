using AgentManager.Execution;
using AgentManager.Inbox;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Tests.Workflows;
using AgentManager.Workflows;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using static AgentManager.Tests.Workflows.EngineFixture;
using static AgentManager.Tests.Workflows.LeaseTests;

namespace AgentManager.Storage.Postgres.Tests;

/// <summary>Decisions and requests stored by one host reach the host that runs the workflow through <c>LISTEN</c>/
/// <c>NOTIFY</c>, at once. Every engine here runs on a clock that is never advanced, so its poll never comes: what is
/// carried out was signalled.</summary>
[Collection(PostgresTestGroup.Name)]
public sealed class PostgresSignalsTests(PostgresServer server)
{
    private readonly FakeTimeProvider _time = new(T0);

    /// <summary>An engine whose store's listener is in place.</summary>
    private async System.Threading.Tasks.Task<(EngineFixture Engine, PostgresStateStore Store)> ListeningEngineAsync(SharedSchema schema, WorkflowDefinition definition)
    {
        PostgresStateStore? store = null;
        var engine = schema.Engine(_time, wrap: s => store = (PostgresStateStore)s);
        await engine.Engine.CreateAsync(definition);
        await UntilAsync(() => System.Threading.Tasks.Task.FromResult(store!.Signals.Listens >= 1), "the listener");
        return (engine, store!);
    }

    /// <summary>A listening engine running a workflow whose first task's agent runs until cancelled.</summary>
    private async System.Threading.Tasks.Task<(EngineFixture Engine, PostgresStateStore Store)> HangingRunAsync(SharedSchema schema)
    {
        var hanging = Agent(async (_, ct) =>
        {
            await System.Threading.Tasks.Task.Delay(Timeout.Infinite, ct);
            return AgentResult.Success();
        });
        var (holder, store) = await ListeningEngineAsync(schema, Definition(hanging, count: 2));
        await holder.Engine.StartAsync("shared");
        await LadderKit.WaitForTaskAsync(holder.Engine, "shared", "t0", TaskState.Implementing);
        return (holder, store);
    }

    [Fact]
    public async System.Threading.Tasks.Task CancelOnAnotherHost_ReachesTheHolderWithoutAPoll()
    {
        await using var schema = new SharedSchema(server, listenNotify: true);
        var (holder, _) = await HangingRunAsync(schema);
        var other = schema.Engine(_time);

        await other.Engine.CancelAsync("shared", "release withdrawn");

        var summary = await holder.Engine.WaitForCompletionAsync("shared").WaitAsync(LadderKit.Patience);
        Assert.Equal(WorkflowStatus.Cancelled, summary.Status);
        Assert.All(summary.Tasks, t => Assert.Equal(TaskState.Cancelled, t.State));
    }

    [Fact]
    public async System.Threading.Tasks.Task DecisionOnAnotherHost_ReachesTheHolderWithoutAPoll()
    {
        await using var schema = new SharedSchema(server, listenNotify: true);
        var definition = Definition(Agent((_, _) => ValueTask.FromResult(AgentResult.Failure("tests fail"))), count: 1);
        definition.Tasks[0].MaxAttempts = 1;
        definition.Repair = new RepairPolicy { BlockForHuman = true };
        var (holder, _) = await ListeningEngineAsync(schema, definition);
        await holder.Engine.StartAsync("shared");
        await LadderKit.WaitForTaskAsync(holder.Engine, "shared", "t0", TaskState.BlockedHitl);
        var other = schema.Engine(_time);

        var queued = await other.Inbox.DecideAsync(new HumanDecision { WorkflowId = "shared", TaskId = "t0", Action = HumanAction.Complete, Actor = "alice", Reason = "checked by hand" });

        Assert.Equal(HumanDecisionStatus.Pending, queued.Status);
        var summary = await holder.Engine.WaitForCompletionAsync("shared").WaitAsync(LadderKit.Patience);
        Assert.Equal(WorkflowStatus.Completed, summary.Status);
    }

    /// <summary>A listener whose connection is killed listens again on a new one, and the next request still arrives.</summary>
    [Fact]
    public async System.Threading.Tasks.Task ListenerConnectionKilled_ListensAgain_AndTheNextRequestArrives()
    {
        await using var schema = new SharedSchema(server, listenNotify: true);
        var (holder, store) = await HangingRunAsync(schema);

        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = 'LISTEN {PostgresSignals.Channel}' AND pid <> pg_backend_pid()", admin);
            Assert.True((long)(await kill.ExecuteScalarAsync())! >= 1);
        }

        await UntilAsync(() => System.Threading.Tasks.Task.FromResult(store.Signals.Listens >= 2), "the listener on a new connection");
        await schema.Engine(_time).Engine.CancelAsync("shared", "release withdrawn");

        Assert.Equal(WorkflowStatus.Cancelled, (await holder.Engine.WaitForCompletionAsync("shared").WaitAsync(LadderKit.Patience)).Status);
    }
}

using System.Collections.Concurrent;
using AgentManager.Execution;
using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Tests.Plans;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using static AgentManager.Tests.Workflows.EngineFixture;

namespace AgentManager.Tests.Workflows;

/// <summary>A host with <c>AddPlanWorkflowTakeover()</c> resumes the plan-based workflows that no engine holds any
/// more, building their definitions from the plan, and leaves alone what another engine still holds or what was not
/// made from a plan.</summary>
public sealed class PlanWorkflowTakeoverTests : IAsyncDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private readonly SharedSqliteFile _file = new();
    private readonly InMemoryTaskPlanStore _plans = new();
    private readonly List<EngineFixture> _hosts = [];

    private (EngineFixture Host, IServiceProvider Services) Host(TimeProvider time, IAgentRunner worker, bool takeover)
    {
        IServiceProvider? services = null;
        var host = new EngineFixture(
            time: time,
            store: _file.Open(),
            agents: b =>
            {
                b.Services.AddSingleton<ITaskPlanStore>(_plans);
                b.AddAgent("worker", worker);
                if (takeover)
                {
                    b.AddPlanWorkflowTakeover();
                }
            },
            capture: sp => services = sp);
        _hosts.Add(host);
        return (host, services!);
    }

    private static PlanWorkflowTakeover Takeover(IServiceProvider services) =>
        services.GetServices<IHostedService>().OfType<PlanWorkflowTakeover>().Single();

    /// <summary>A first host runs a confirmed plan and stops renewing its lease (its clock stands still, as a dead
    /// host's would); a second host, past the lease, takes the workflow over from the plan and finishes it.</summary>
    [Fact]
    public async Task Scan_APlanWorkflowWhoseLeaseExpired_IsResumedFromItsPlanAndFinishedHere()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stalled = Agent(async (_, ct) =>
        {
            started.TrySetResult();
            await System.Threading.Tasks.Task.Delay(Timeout.Infinite, ct);
            return AgentResult.Success();
        });
        var (first, firstServices) = Host(new FakeTimeProvider(T0), stalled, takeover: false);
        var plans = firstServices.GetRequiredService<TaskPlanService>();
        await plans.CreateAsync(new NewTaskPlan { PlanId = "release", Items = [PlanTestKit.Item("build"), PlanTestKit.Item("ship", "build")] });
        var id = await first.Engine.CreateAsync(PlanWorkflowBuilder.Build(await plans.ConfirmAsync("release")));
        await first.Engine.StartAsync(id);
        await started.Task.WaitAsync(LadderKit.Patience);
        var ran = new ConcurrentQueue<string>();
        var (second, secondServices) = Host(new FakeTimeProvider(T0 + TimeSpan.FromMinutes(5)), Agent((inv, _) =>
        {
            ran.Enqueue(inv.TaskId);
            return ValueTask.FromResult(AgentResult.Success());
        }), takeover: true);

        var taken = await Takeover(secondServices).ScanAsync(CancellationToken.None);

        Assert.Equal([id], taken);
        Assert.Equal(WorkflowStatus.Completed, (await second.Engine.WaitForCompletionAsync(id).WaitAsync(LadderKit.Patience)).Status);
        Assert.Equal(["build", "ship"], ran);
        Assert.Empty(await Takeover(secondServices).ScanAsync(CancellationToken.None));
    }

    /// <summary>Started as a hosted service, the takeover scans every interval on the host's clock.</summary>
    [Fact]
    public async Task Start_ScansEveryInterval_AndTakesOverWhatItFinds()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (first, firstServices) = Host(new FakeTimeProvider(T0), Agent(async (_, ct) =>
        {
            started.TrySetResult();
            await System.Threading.Tasks.Task.Delay(Timeout.Infinite, ct);
            return AgentResult.Success();
        }), takeover: false);
        var plans = firstServices.GetRequiredService<TaskPlanService>();
        await plans.CreateAsync(new NewTaskPlan { PlanId = "nightly", Items = [PlanTestKit.Item("a")] });
        var id = await first.Engine.CreateAsync(PlanWorkflowBuilder.Build(await plans.ConfirmAsync("nightly")));
        await first.Engine.StartAsync(id);
        await started.Task.WaitAsync(LadderKit.Patience);
        var time = new FakeTimeProvider(T0 + TimeSpan.FromMinutes(5));
        var (second, secondServices) = Host(time, NoOp, takeover: true);
        var takeover = Takeover(secondServices);

        var store = _file.Open();
        await takeover.StartAsync(CancellationToken.None);
        using var patience = new CancellationTokenSource(LadderKit.Patience);
        while ((await store.GetWorkflowAsync(id, CancellationToken.None))!.Status != WorkflowStatus.Completed)
        {
            // The scan's timer may not be set yet when the clock first moves: move it until the run is taken and done.
            time.Advance(TimeSpan.FromSeconds(30));
            await System.Threading.Tasks.Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, patience.Token);
        }

        await takeover.StopAsync(CancellationToken.None);
        Assert.Equal(WorkflowStatus.Completed, (await second.Engine.GetSummaryAsync(id)).Status);

        // A host may stop its services again after disposing them (WebApplicationFactory's disposal can): nothing throws.
        takeover.Dispose();
        await takeover.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Scan_LeaseStillHeldOrNotMadeFromAPlan_LeavesTheWorkflowAlone()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = Agent(async (_, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            return AgentResult.Success();
        });
        var time = new FakeTimeProvider(T0);
        var (first, firstServices) = Host(time, waiting, takeover: false);
        var plans = firstServices.GetRequiredService<TaskPlanService>();
        await plans.CreateAsync(new NewTaskPlan { PlanId = "held", Items = [PlanTestKit.Item("a")] });
        var held = await first.Engine.CreateAsync(PlanWorkflowBuilder.Build(await plans.ConfirmAsync("held")));
        await first.Engine.StartAsync(held);
        var code = Workflow(waiting, Task("b"));
        code.Id = "from-code";
        await first.Engine.CreateAsync(code);
        await first.Engine.StartAsync("from-code");
        var (_, secondServices) = Host(time, waiting, takeover: true);

        Assert.Empty(await Takeover(secondServices).ScanAsync(CancellationToken.None));
        gate.SetResult();
        Assert.Equal(WorkflowStatus.Completed, (await first.Engine.WaitForCompletionAsync(held).WaitAsync(LadderKit.Patience)).Status);
    }

    [Fact]
    public void AddPlanWorkflowTakeover_IntervalNotPositive_IsRefusedNamingTheValue()
    {
        var builder = new ServiceCollection().AddAgentManager();

        var ex = Assert.Throws<ArgumentException>(() => builder.AddPlanWorkflowTakeover(o => o.Interval = TimeSpan.Zero));

        Assert.Contains("Interval is 00:00:00; it must be positive", ex.Message, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            try
            {
                await host.DisposeAsync();
            }
            catch (Exception ex) when (ex is InvalidOperationException or LeaseLostException)
            {
                // The first host of the takeover test lost its lease; it says so again when it stops.
            }
        }

        await _file.DisposeAsync();
    }
}

using AgentManager.Events;
using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Schedules;
using AgentManager.Tests.Plans;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static AgentManager.Tests.Schedules.ScheduleHarness;

namespace AgentManager.Tests.Schedules;

/// <summary>Schedules whose runs are built from a confirmed version of a task plan in the plan store.</summary>
public sealed class StoredPlanScheduleTests
{
    private static ScheduleDefinition FromPlan(string planId = "release", int? version = 2) => new()
    {
        Id = "nightly-release",
        Interval = TimeSpan.FromHours(1),
        PlanId = planId,
        PlanVersion = version,
    };

    /// <summary>Version 1 is the draft, version 2 the confirmed plan.</summary>
    private static async Task<TaskPlan> ConfirmedPlanAsync(TaskPlanService plans, string planId = "release")
    {
        await plans.CreateAsync(new NewTaskPlan { PlanId = planId, Items = [PlanTestKit.Item("build"), PlanTestKit.Item("ship", "build")] });
        return await plans.ConfirmAsync(planId);
    }

    [Fact]
    public async Task StoredPlanSchedule_FiresARunOfThePlansConfirmedVersion_NamedAfterTheSchedule()
    {
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), worker: Workflows.EngineFixture.NoOp);
        await h.StartAsync();
        var plan = await ConfirmedPlanAsync(h.Plans);

        var stored = await h.Service.AddOrUpdateAsync(FromPlan(version: plan.Version));
        await h.AdvanceToAsync(T0.AddHours(1));
        var fired = await h.WaitForAsync(EventTypes.ScheduleFired);
        await h.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, fired.RunWorkflowId!);

        Assert.Equal(("release", 2, (string?)null), (stored.PlanId, stored.PlanVersion, stored.PlanPath));
        var run = (await h.Store.GetWorkflowAsync(fired.RunWorkflowId!, CancellationToken.None))!;
        Assert.Equal("nightly-release", run.Name);
        Assert.Equal(("release", "2", "nightly-release"), (run.Metadata[PlanWorkflowBuilder.PlanIdKey], run.Metadata[PlanWorkflowBuilder.PlanVersionKey], run.Metadata["schedule_id"]));
        Assert.Equal(["build", "ship"], (await h.Store.GetTasksAsync(run.WorkflowId, CancellationToken.None)).Select(t => t.TaskId).Order(StringComparer.Ordinal));
    }

    /// <summary>An assignee whose catalog profile names a process runner runs it, before an agent registered with DI
    /// under the same id, as for a workflow made from the plan over HTTP and as when the takeover resumes the run.</summary>
    [Fact]
    public async Task StoredPlanSchedule_AssigneeWithAProfileRunner_RunsItRatherThanTheDiAgentOfTheSameId()
    {
        var diCalls = 0;
        var diWorker = Workflows.EngineFixture.Agent((_, _) =>
        {
            Interlocked.Increment(ref diCalls);
            return ValueTask.FromResult(AgentManager.Execution.AgentResult.Success());
        });
        var profile = new AgentManager.Agents.AgentProfile { AgentId = "worker", Runner = new AgentManager.Execution.ProcessAgentOptions { Command = { "true" } } };
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), worker: diWorker, agentManager: b => b.AddAgentProfile(profile));
        await h.StartAsync();
        await h.Service.AddOrUpdateAsync(FromPlan(version: (await ConfirmedPlanAsync(h.Plans)).Version));

        await h.AdvanceToAsync(T0.AddHours(1));
        var fired = await h.WaitForAsync(EventTypes.ScheduleFired);
        await h.WaitForWorkflowAsync(EventTypes.WorkflowCompleted, fired.RunWorkflowId!);

        Assert.Equal(0, Volatile.Read(ref diCalls));
    }

    [Fact]
    public async Task AddOrUpdate_PlanThatDoesNotExist_OrADraftVersion_IsRefusedNamingPlanAndVersion_AndNothingIsStored()
    {
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0));
        await ConfirmedPlanAsync(h.Plans);

        var missing = await Assert.ThrowsAsync<ScheduleConfigurationException>(() => h.Service.AddOrUpdateAsync(FromPlan("nowhere")));
        var noVersion = await Assert.ThrowsAsync<ScheduleConfigurationException>(() => h.Service.AddOrUpdateAsync(FromPlan(version: 7)));
        var draft = await Assert.ThrowsAsync<ScheduleConfigurationException>(() => h.Service.AddOrUpdateAsync(FromPlan(version: 1)));

        Assert.Contains("Schedule 'nightly-release': PlanId: Task plan 'nowhere' does not exist.", missing.Errors);
        Assert.Contains("Schedule 'nightly-release': PlanVersion: Task plan 'release' has no version 7.", noVersion.Errors);
        Assert.Contains("Schedule 'nightly-release': PlanVersion: version 1 of task plan 'release' is draft; a schedule runs a confirmed version.", draft.Errors);
        Assert.Empty(await h.Service.ListAsync());
    }

    [Theory]
    [InlineData("release", null, null, "PlanVersion: is required with a stored plan")]
    [InlineData(null, 2, null, "PlanVersion: 2 is set without a PlanId")]
    [InlineData("release", 0, null, "PlanVersion: 0 is not a plan version; versions start at 1")]
    [InlineData("release", 2, "plan.json", "a schedule has one of a stored plan (PlanId), a plan file and a workflow factory, not several")]
    [InlineData("no spaces", 2, null, "PlanId: ")]
    public async Task AddOrUpdate_BrokenStoredPlanRule_IsRefusedNamingTheProperty(string? planId, int? version, string? planPath, string expected)
    {
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0));
        var definition = FromPlan(planId!, version);
        definition.PlanPath = planPath;
        if (planId is null)
        {
            definition.WorkflowFactory = (_, _) => ValueTask.FromResult(new WorkflowDefinition());
        }

        var refused = await Assert.ThrowsAsync<ScheduleConfigurationException>(() => h.Service.AddOrUpdateAsync(definition));

        Assert.Contains(refused.Errors, e => e.Contains(expected, StringComparison.Ordinal));
        Assert.Empty(await h.Service.ListAsync());
    }

    [Fact]
    public async Task HostStart_ConfiguredScheduleOfAMissingPlan_FailsTheStartNamingIt()
    {
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), configure: o => o.Schedules.Add(FromPlan("nowhere")));

        var refused = await Assert.ThrowsAsync<ScheduleConfigurationException>(h.StartAsync);

        Assert.Contains("Schedule 'nightly-release': PlanId: Task plan 'nowhere' does not exist.", refused.Errors);
    }

    [Fact]
    public async Task DeletingAPlanThatAScheduleRuns_IsRefusedNamingTheSchedule_UntilTheScheduleIsDeleted()
    {
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0));
        await ConfirmedPlanAsync(h.Plans);
        await h.Service.AddOrUpdateAsync(FromPlan());

        var refused = await Assert.ThrowsAsync<PlanConflictException>(() => h.Plans.DeleteAsync("release"));
        Assert.Equal("Task plan 'release' cannot be deleted while schedule 'nightly-release' runs it; delete the schedule or give it another plan first.", refused.Message);
        Assert.Equal(2, (await h.Plans.GetAsync("release")).Version);

        await h.Service.DeleteAsync("nightly-release");
        await h.Plans.DeleteAsync("release");
        await Assert.ThrowsAsync<PlanNotFoundException>(() => h.Plans.GetAsync("release"));
    }

    [Fact]
    public async Task PlanDeletedAfterTheScheduleWasStored_TheFiringFailsNamingIt_AndTheScheduleGoesOn()
    {
        await using var h = new ScheduleHarness(new FakeTimeProvider(T0), worker: Workflows.EngineFixture.NoOp);
        await h.StartAsync();
        await ConfirmedPlanAsync(h.Plans);
        await h.Service.AddOrUpdateAsync(FromPlan());
        await h.Services.GetRequiredService<ITaskPlanStore>().DeleteAsync("release", CancellationToken.None); // past the service, which refuses it


        await h.AdvanceToAsync(T0.AddHours(1));
        var failed = await h.WaitForAsync(EventTypes.ScheduleFailed);

        Assert.Contains("Task plan 'release'", failed.Reason, StringComparison.Ordinal);
        var record = await h.Service.GetAsync("nightly-release");
        Assert.Equal(((string?)null, T0.AddHours(2)), (record.RunningWorkflowId, record.NextRun!.Value));
    }
}

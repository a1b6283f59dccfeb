using AgentManager.Agents;
using AgentManager.Events;
using AgentManager.Hooks;
using AgentManager.Plans;
using AgentManager.Tests.Agents;
using AgentManager.Tests.Execution;
using static AgentManager.Tests.Hooks.HookTestKit;
using static AgentManager.Tests.Plans.PlanTestKit;

namespace AgentManager.Tests.Plans;

[Collection(SerialExecution.Name)]
public sealed class TaskPlanServiceTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    // ---- create, get, list

    [Fact]
    public async Task CreateAsync_ValidPlan_StoresVersion1DraftWithPendingItemsAndPublishesCreated()
    {
        await using var harness = new PlanHarness();
        var input = new NewTaskPlan
        {
            PlanId = "p1",
            SourceTaskId = "task-9",
            CreatedBy = "manager",
            Items = [Item("a") with { Status = PlanItemStatus.Confirmed }, Item("b", "a")],
            TemporaryRoles = ["tester"],
            SelectedTemplates = ["code-review"],
            PreferredAssignees = ["worker"],
            Metadata = new Dictionary<string, string> { ["team"] = "docs" },
        };

        var plan = await harness.Service.CreateAsync(input);

        Assert.Equal("p1", plan.PlanId);
        Assert.Equal(1, plan.Version);
        Assert.Equal(PlanStatus.Draft, plan.Status);
        Assert.Null(plan.ConfirmedVersion);
        Assert.Equal("task-9", plan.SourceTaskId);
        Assert.Equal("manager", plan.CreatedBy);
        Assert.Equal(["tester"], plan.TemporaryRoles);
        Assert.Equal(["code-review"], plan.SelectedTemplates);
        Assert.Equal(["worker"], plan.PreferredAssignees);
        Assert.Equal("docs", plan.Metadata["team"]);
        Assert.Equal(Start, plan.CreatedAt);
        Assert.Equal(Start, plan.UpdatedAt);
        Assert.Equal(["a", "b"], plan.Items.Select(item => item.Id));
        Assert.All(plan.Items, item => Assert.Equal(PlanItemStatus.PendingReview, item.Status));
        Assert.Equal(plan.Items, (await harness.Service.GetAsync("p1")).Items);
        var @event = Assert.IsType<TaskPlanEvent>(Assert.Single(await harness.Events.DeliveredAsync()));
        Assert.Equal(EventTypes.TaskPlanCreated, @event.Type);
        Assert.Equal("p1", @event.PlanId);
        Assert.Equal(1, @event.Version);
    }

    [Fact]
    public async Task CreateAsync_NoPlanId_GeneratesOne()
    {
        await using var harness = new PlanHarness();

        var plan = await harness.Service.CreateAsync(new NewTaskPlan { Items = [Item("a")] });

        Assert.Matches("^plan-[0-9a-f]{32}$", plan.PlanId);
    }

    [Fact]
    public async Task CreateAsync_EmptyDraft_IsAllowed()
    {
        await using var harness = new PlanHarness();

        var plan = await harness.Service.CreateAsync(Plan("empty"));

        Assert.Empty(plan.Items);
    }

    [Fact]
    public async Task CreateAsync_TakenPlanId_ThrowsConflictAndKeepsTheFirst()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan("p1", Item("a")));

        var exception = await Assert.ThrowsAsync<PlanConflictException>(() => harness.Service.CreateAsync(Plan("p1", Item("other"))));

        Assert.Equal("p1", exception.PlanId);
        Assert.Equal(1, exception.CurrentVersion);
        Assert.Equal(["a"], (await harness.Service.GetAsync("p1")).Items.Select(item => item.Id));
        Assert.Equal(1, harness.Events.Bus.PublishedCount);
    }

    [Fact]
    public async Task CreateAsync_InvalidPlan_ListsPlanAndItemErrorsTogetherAndStoresNothing()
    {
        await using var harness = new PlanHarness();
        var input = new NewTaskPlan
        {
            PlanId = "bad id",
            TemporaryRoles = [" "],
            Items = [Item("a", "b"), Item("b", "a") with { Title = "" }],
        };

        var exception = await Assert.ThrowsAsync<PlanValidationException>(() => harness.Service.CreateAsync(input));

        Assert.Null(exception.PlanId);
        Assert.Equal(4, exception.Errors.Count);
        Assert.Equal("plan_id", exception.Errors[0].Field);
        Assert.Equal("temporary_roles[0]", exception.Errors[1].Field);
        Assert.Equal(("b", "title"), (exception.Errors[2].ItemId, exception.Errors[2].Field));
        Assert.Equal("dependencies", exception.Errors[3].Field);
        Assert.StartsWith("The task plan is invalid (4 problems):\n- plan_id: 'bad id' is not a valid id", exception.Message, StringComparison.Ordinal);
        Assert.Empty(await harness.Service.ListAsync());
        Assert.Equal(0, harness.Events.Bus.PublishedCount);
    }

    [Fact]
    public async Task GetAsync_UnknownPlanOrVersion_ThrowsNotFoundNamingIt()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan("p1", Item("a")));

        var plan = await Assert.ThrowsAsync<PlanNotFoundException>(() => harness.Service.GetAsync("nope"));
        var version = await Assert.ThrowsAsync<PlanNotFoundException>(() => harness.Service.GetAsync("p1", 2));

        Assert.Equal(("nope", (int?)null, "Task plan 'nope' does not exist."), (plan.PlanId, plan.Version, plan.Message));
        Assert.Equal(("p1", (int?)2, "Task plan 'p1' has no version 2."), (version.PlanId, version.Version, version.Message));
    }

    [Fact]
    public async Task ListAsync_SeveralPlans_CurrentVersionsOldestFirst()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan("zeta", Item("a")));
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        await harness.Service.CreateAsync(Plan("alpha", Item("a")));
        await harness.Service.EditAsync("zeta", 1, [Item("a"), Item("b")]);

        var plans = await harness.Service.ListAsync();

        Assert.Equal([("zeta", 2), ("alpha", 1)], plans.Select(plan => (plan.PlanId, plan.Version)));
    }

    // ---- edit

    [Fact]
    public async Task EditAsync_ValidItems_ReplacesThemIncrementsTheVersionAndPublishesUpdated()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan("p1", Item("a"), Item("b", "a")));
        harness.Time.Advance(TimeSpan.FromMinutes(5));

        var edited = await harness.Service.EditAsync("p1", 1, [Item("a") with { Title = "Renamed" }, Item("c", "a")]);

        Assert.Equal(2, edited.Version);
        Assert.Equal(["a", "c"], edited.Items.Select(item => item.Id));
        Assert.Equal("Renamed", edited.Items[0].Title);
        Assert.Equal(Start, edited.CreatedAt);
        Assert.Equal(Start.AddMinutes(5), edited.UpdatedAt);
        Assert.Equal(2, (await harness.Service.GetAsync("p1")).Version);
        Assert.Equal(["a", "b"], (await harness.Service.GetAsync("p1", 1)).Items.Select(item => item.Id));
        var events = (await harness.Events.DeliveredAsync()).Cast<TaskPlanEvent>().ToList();
        Assert.Equal([(EventTypes.TaskPlanCreated, 1), (EventTypes.TaskPlanUpdated, 2)], events.Select(e => (e.Type, e.Version)));

        var again = await harness.Service.EditAsync("p1", 2, edited.Items);
        Assert.Equal(3, again.Version);
    }

    [Fact]
    public async Task EditAsync_ItemStatuses_ExistingKeepTheirsNewStartPendingReviewGivenOnesIgnored()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan("p1", Item("a"), Item("b")));

        var edited = await harness.Service.EditAsync(
            "p1",
            1,
            [Item("a") with { Status = PlanItemStatus.Confirmed }, Item("new") with { Status = PlanItemStatus.Confirmed }]);

        Assert.Equal([PlanItemStatus.PendingReview, PlanItemStatus.PendingReview], edited.Items.Select(item => item.Status));
    }

    [Fact]
    public async Task EditAsync_InvalidItems_IsRejectedWholeAndChangesNothing()
    {
        await using var harness = new PlanHarness();
        var created = await harness.Service.CreateAsync(Plan("p1", Item("a"), Item("b", "a")));

        var exception = await Assert.ThrowsAsync<PlanValidationException>(() => harness.Service.EditAsync(
            "p1",
            1,
            [Item("a") with { Title = "Good change" }, Item("b", "missing"), Item("c") with { Priority = -1 }]));

        Assert.Equal("p1", exception.PlanId);
        Assert.Equal([("b", "dependencies[0]"), ("c", "priority")], exception.Errors.Select(error => (error.ItemId!, error.Field)));
        var current = await harness.Service.GetAsync("p1");
        Assert.Equal(1, current.Version);
        Assert.Equal(created.Items, current.Items);
        Assert.Equal(1, harness.Events.Bus.PublishedCount);
    }

    [Fact]
    public async Task EditAsync_StaleVersion_ThrowsConflictWithTheCurrentVersion()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan("p1", Item("a")));
        await harness.Service.EditAsync("p1", 1, [Item("a"), Item("b")]);

        var exception = await Assert.ThrowsAsync<PlanConflictException>(() => harness.Service.EditAsync("p1", 1, [Item("x")]));

        Assert.Equal(2, exception.CurrentVersion);
        Assert.Equal("Task plan 'p1' is at version 2, not 1; read the plan again and retry.", exception.Message);
        Assert.Equal(["a", "b"], (await harness.Service.GetAsync("p1")).Items.Select(item => item.Id));
    }

    [Fact]
    public async Task EditAsync_AfterConfirm_ThrowsConflict()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan("p1", Item("a")));
        await harness.Service.ConfirmAsync("p1");

        var exception = await Assert.ThrowsAsync<PlanConflictException>(() => harness.Service.EditAsync("p1", 2, [Item("a")]));

        Assert.Equal("Task plan 'p1' is confirmed (version 2) and cannot be edited; only a draft can.", exception.Message);
        Assert.Equal(2, (await harness.Service.GetAsync("p1")).Version);
    }

    [Fact]
    public async Task EditAsync_UnknownPlan_ThrowsNotFound()
    {
        await using var harness = new PlanHarness();

        await Assert.ThrowsAsync<PlanNotFoundException>(() => harness.Service.EditAsync("nope", 1, [Item("a")]));
    }

    [Fact]
    public async Task EditAsync_ConcurrentEditsOfOneVersion_ExactlyOneWins()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan("p1", Item("a")));

        var attempts = Enumerable.Range(0, 8)
            .Select(i => Task.Run(() => harness.Service.EditAsync("p1", 1, [Item("a"), Item("b" + i)])))
            .ToList();
        var outcomes = await Task.WhenAll(attempts.Select(async attempt =>
        {
            try
            {
                await attempt;
                return true;
            }
            catch (PlanConflictException)
            {
                return false;
            }
        }));

        Assert.Equal(1, outcomes.Count(won => won));
        Assert.Equal(2, (await harness.Service.GetAsync("p1")).Version);
    }

    // ---- confirm

    [Fact]
    public async Task ConfirmAsync_ValidDraft_FreezesFillsMetadataRecordsTheVersionAndPublishesAssignees()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan(
            "p1",
            Item("a") with { Workdir = "book" },
            Item("b", "a") with { Assignee = "supervisor", Metadata = new Dictionary<string, string> { ["agent_id"] = "kept" } },
            Item("c", "a")));
        harness.Time.Advance(TimeSpan.FromMinutes(1));

        var confirmed = await harness.Service.ConfirmAsync("p1");

        Assert.Equal(PlanStatus.Confirmed, confirmed.Status);
        Assert.Equal(2, confirmed.Version);
        Assert.Equal(2, confirmed.ConfirmedVersion);
        Assert.Equal(Start.AddMinutes(1), confirmed.UpdatedAt);
        Assert.All(confirmed.Items, item => Assert.Equal(PlanItemStatus.Confirmed, item.Status));
        Assert.Equal(
            new Dictionary<string, string> { ["agent_id"] = "worker", ["plan_id"] = "p1", ["workdir"] = "book" },
            confirmed.Items[0].Metadata);
        Assert.Equal(new Dictionary<string, string> { ["agent_id"] = "kept", ["plan_id"] = "p1" }, confirmed.Items[1].Metadata);
        Assert.Equal(confirmed.Items, (await harness.Service.GetAsync("p1")).Items);
        var events = (await harness.Events.DeliveredAsync()).Cast<TaskPlanEvent>().ToList();
        Assert.Equal([EventTypes.TaskPlanCreated, EventTypes.TaskPlanConfirmed], events.Select(e => e.Type));
        Assert.Equal(2, events[1].Version);
        Assert.Equal(["worker", "supervisor"], events[1].Assignees);
    }

    [Fact]
    public async Task ConfirmAsync_Twice_ThrowsConflict()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan("p1", Item("a")));
        await harness.Service.ConfirmAsync("p1");

        var exception = await Assert.ThrowsAsync<PlanConflictException>(() => harness.Service.ConfirmAsync("p1"));

        Assert.Equal("Task plan 'p1' is confirmed (version 2) and cannot be confirmed; only a draft can.", exception.Message);
    }

    [Fact]
    public async Task ConfirmAsync_ExpectedVersionNotCurrent_ThrowsConflictAndStaysDraft()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan("p1", Item("a")));
        await harness.Service.EditAsync("p1", 1, [Item("a"), Item("b")]);

        await Assert.ThrowsAsync<PlanConflictException>(() => harness.Service.ConfirmAsync("p1", expectedVersion: 1));

        Assert.Equal(PlanStatus.Draft, (await harness.Service.GetAsync("p1")).Status);
        Assert.Equal(3, (await harness.Service.ConfirmAsync("p1", expectedVersion: 2)).Version);
    }

    [Fact]
    public async Task ConfirmAsync_ConfirmRulesBroken_ListsEveryErrorStaysDraftAndPublishesConfirmFailed()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan(
            "p1",
            Item("a") with { Verification = " " },
            Item("b") with { Assignee = "ghost" },
            Item("c") with { RequiredSkills = ["code-review"] }));

        var exception = await Assert.ThrowsAsync<PlanValidationException>(() => harness.Service.ConfirmAsync("p1"));

        Assert.Equal(
            [("a", "verification"), ("b", "assignee"), ("c", "required_skills[0]")],
            exception.Errors.Select(error => (error.ItemId!, error.Field)));
        var plan = await harness.Service.GetAsync("p1");
        Assert.Equal((PlanStatus.Draft, 1), (plan.Status, plan.Version));
        var failed = Assert.IsType<TaskPlanEvent>((await harness.Events.DeliveredAsync())[^1]);
        Assert.Equal(EventTypes.TaskPlanConfirmFailed, failed.Type);
        Assert.Equal(1, failed.Version);
        Assert.Equal(exception.Message, failed.Reason);
    }

    [Fact]
    public async Task ConfirmAsync_EmptyDraft_CannotBeConfirmed()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan("p1"));

        var exception = await Assert.ThrowsAsync<PlanValidationException>(() => harness.Service.ConfirmAsync("p1"));

        Assert.Equal("items", Assert.Single(exception.Errors).Field);
    }

    [Fact]
    public async Task ConfirmAsync_BeforeHookFails_StaysDraftAndPublishesConfirmFailedWithTheReason()
    {
        var afterRan = dir.PathOf("after-ran");
        await using var harness = new PlanHarness(
            Sh("policy", HookPoint.BeforeTaskPlanConfirm, "echo 'plan rejected by policy' >&2; exit 4"),
            Sh("after", HookPoint.AfterTaskPlanConfirm, $"touch '{afterRan}'"));
        await harness.Service.CreateAsync(Plan("p1", Item("a")));

        var exception = await Assert.ThrowsAsync<PlanConfirmBlockedException>(() => harness.Service.ConfirmAsync("p1"));

        Assert.Equal("p1", exception.PlanId);
        Assert.Equal(1, exception.Version);
        Assert.Equal("Hook 'policy' (before_task_plan_confirm) exited with code 4: plan rejected by policy", exception.Reason);
        Assert.Equal("Task plan 'p1' was not confirmed: " + exception.Reason, exception.Message);
        var plan = await harness.Service.GetAsync("p1");
        Assert.Equal((PlanStatus.Draft, 1, (int?)null), (plan.Status, plan.Version, plan.ConfirmedVersion));
        Assert.All(plan.Items, item => Assert.Equal(PlanItemStatus.PendingReview, item.Status));
        Assert.False(File.Exists(afterRan));
        var events = await harness.Events.DeliveredAsync();
        Assert.Equal([EventTypes.TaskPlanCreated, EventTypes.HookFailed, EventTypes.TaskPlanConfirmFailed], events.Select(e => e.Type));
        var failed = Assert.IsType<TaskPlanEvent>(events[^1]);
        Assert.Equal(exception.Message, failed.Reason);

        // Still a draft: it can be edited and confirmed once the hook is satisfied.
        Assert.Equal(2, (await harness.Service.EditAsync("p1", 1, [Item("a"), Item("b")])).Version);
    }

    [Fact]
    public async Task ConfirmAsync_BeforeHookFailsWithAllowFailure_Confirms()
    {
        await using var harness = new PlanHarness(Sh("advisory", HookPoint.BeforeTaskPlanConfirm, "exit 1", allowFailure: true));
        await harness.Service.CreateAsync(Plan("p1", Item("a")));

        var confirmed = await harness.Service.ConfirmAsync("p1");

        Assert.Equal(PlanStatus.Confirmed, confirmed.Status);
        Assert.Equal(
            [EventTypes.TaskPlanCreated, EventTypes.HookFailed, EventTypes.TaskPlanConfirmed],
            await harness.EventTypesAsync());
    }

    [Fact]
    public async Task ConfirmAsync_Hooks_ReceiveThePlanAsContext()
    {
        var before = dir.PathOf("before.env");
        var after = dir.PathOf("after.env");
        const string Dump = "printf '%s|%s|%s|%s|%s|%s|%s|%s' \"$AGENTMANAGER_WORKFLOW_ID\" \"$AGENTMANAGER_PLAN_ID\" \"$AGENTMANAGER_PLAN_VERSION\" " +
            "\"$AGENTMANAGER_SOURCE_TASK_ID\" \"$AGENTMANAGER_ITEM_COUNT\" \"$AGENTMANAGER_ITEM_IDS\" \"$AGENTMANAGER_ASSIGNEES\" \"$AGENTMANAGER_CONFIRMED_VERSION\"";
        await using var harness = new PlanHarness(
            Sh("before", HookPoint.BeforeTaskPlanConfirm, $"{Dump} > '{before}'"),
            Sh("after", HookPoint.AfterTaskPlanConfirm, $"{Dump} > '{after}'"));
        await harness.Service.CreateAsync(new NewTaskPlan { PlanId = "p1", SourceTaskId = "t-7", Items = [Item("a"), Item("b") with { Assignee = "manager" }] });

        await harness.Service.ConfirmAsync("p1");

        Assert.Equal("p1|p1|1|t-7|2|a,b|worker,manager|", await File.ReadAllTextAsync(before));
        Assert.Equal("p1|p1|2|t-7|2|a,b|worker,manager|2", await File.ReadAllTextAsync(after));
    }

    [Fact]
    public async Task ConfirmAsync_AfterHookFails_StaysConfirmedAndReportsTheFailure()
    {
        await using var harness = new PlanHarness(Sh("notify", HookPoint.AfterTaskPlanConfirm, "echo 'webhook down' >&2; exit 7"));
        await harness.Service.CreateAsync(Plan("p1", Item("a")));

        var confirmed = await harness.Service.ConfirmAsync("p1");

        Assert.Equal(PlanStatus.Confirmed, confirmed.Status);
        Assert.Equal(PlanStatus.Confirmed, (await harness.Service.GetAsync("p1")).Status);
        var events = await harness.Events.DeliveredAsync();
        Assert.Equal([EventTypes.TaskPlanCreated, EventTypes.TaskPlanConfirmed, EventTypes.HookFailed], events.Select(e => e.Type));
        var hook = Assert.IsType<HookEvent>(events[^1]);
        Assert.Equal(("notify", 7, "webhook down"), (hook.HookName, hook.ExitCode, hook.OutputTail));
        Assert.Equal("p1", hook.WorkflowId);
    }

    [Fact]
    public async Task ConfirmAsync_PlanEditedWhileBeforeHooksRun_ThrowsConflictAndPublishesConfirmFailed()
    {
        var hooks = new MeddlingHookRunner((service, planId, ct) => service.EditAsync(planId, 1, [Item("a"), Item("edited-meanwhile")], ct));
        await using var harness = new PlanHarness(hooks);
        hooks.Service = harness.Service;
        await harness.Service.CreateAsync(Plan("p1", Item("a")));

        var exception = await Assert.ThrowsAsync<PlanConflictException>(() => harness.Service.ConfirmAsync("p1"));

        Assert.Equal(2, exception.CurrentVersion);
        var plan = await harness.Service.GetAsync("p1");
        Assert.Equal((PlanStatus.Draft, 2), (plan.Status, plan.Version));
        Assert.Equal(["a", "edited-meanwhile"], plan.Items.Select(item => item.Id));
        Assert.Equal(
            [EventTypes.TaskPlanCreated, EventTypes.TaskPlanUpdated, EventTypes.TaskPlanConfirmFailed],
            await harness.EventTypesAsync());
    }

    [Fact]
    public async Task ConfirmAsync_PlanDeletedWhileBeforeHooksRun_ThrowsNotFoundAndPublishesConfirmFailed()
    {
        var hooks = new MeddlingHookRunner((service, planId, ct) => service.DeleteAsync(planId, ct));
        await using var harness = new PlanHarness(hooks);
        hooks.Service = harness.Service;
        await harness.Service.CreateAsync(Plan("p1", Item("a")));

        await Assert.ThrowsAsync<PlanNotFoundException>(() => harness.Service.ConfirmAsync("p1"));

        Assert.Empty(await harness.Service.ListAsync());
        Assert.Equal(
            [EventTypes.TaskPlanCreated, EventTypes.TaskPlanDeleted, EventTypes.TaskPlanConfirmFailed],
            await harness.EventTypesAsync());
    }

    [Fact]
    public async Task ConfirmAsync_UnknownPlan_ThrowsNotFound()
    {
        await using var harness = new PlanHarness();

        await Assert.ThrowsAsync<PlanNotFoundException>(() => harness.Service.ConfirmAsync("nope"));
    }

    // ---- diff

    [Fact]
    public async Task DiffAsync_TwoDraftVersions_ListsAddedRemovedChangedAndOrder()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan("p1", Item("a"), Item("b"), Item("c"), Item("gone")));
        await harness.Service.EditAsync("p1", 1, [Item("c"), Item("a") with { Title = "New title", Priority = 3 }, Item("b"), Item("new", "a")]);

        var diff = await harness.Service.DiffAsync("p1", 1, 2);

        Assert.Equal(("p1", 1, 2), (diff.PlanId, diff.FromVersion, diff.ToVersion));
        Assert.Equal(["new"], diff.Added.Select(item => item.Id));
        Assert.Equal(["gone"], diff.Removed.Select(item => item.Id));
        var change = Assert.Single(diff.Changed);
        Assert.Equal("a", change.ItemId);
        Assert.Equal(["title", "priority"], change.Fields);
        Assert.Equal("Do a", change.Before.Title);
        Assert.Equal("New title", change.After.Title);
        Assert.True(diff.Reordered);
        Assert.Equal((PlanStatus.Draft, PlanStatus.Draft), (diff.FromStatus, diff.ToStatus));
        Assert.True(diff.HasChanges);
    }

    [Fact]
    public async Task DiffAsync_DraftToConfirmed_ShowsStatusAndMetadata()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan("p1", Item("a")));
        await harness.Service.ConfirmAsync("p1");

        var diff = await harness.Service.DiffAsync("p1", 1, 2);

        Assert.Equal((PlanStatus.Draft, PlanStatus.Confirmed), (diff.FromStatus, diff.ToStatus));
        Assert.Equal(["metadata", "status"], Assert.Single(diff.Changed).Fields);
        Assert.Empty(diff.Added);
        Assert.Empty(diff.Removed);
        Assert.False(diff.Reordered);
    }

    [Fact]
    public async Task DiffAsync_SameVersion_HasNoChanges()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan("p1", Item("a")));

        Assert.False((await harness.Service.DiffAsync("p1", 1, 1)).HasChanges);
    }

    [Fact]
    public async Task DiffAsync_UnknownVersion_ThrowsNotFoundNamingIt()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan("p1", Item("a")));

        var exception = await Assert.ThrowsAsync<PlanNotFoundException>(() => harness.Service.DiffAsync("p1", 1, 5));

        Assert.Equal(5, exception.Version);
    }

    // ---- delete

    [Fact]
    public async Task DeleteAsync_WorkflowNotRunning_RemovesEveryVersionAndPublishesDeleted()
    {
        TaskPlan? asked = null;
        await using var harness = new PlanHarness(null, (plan, _) =>
        {
            asked = plan;
            return ValueTask.FromResult(false);
        });
        await harness.Service.CreateAsync(Plan("p1", Item("a")));
        await harness.Service.ConfirmAsync("p1");

        await harness.Service.DeleteAsync("p1");

        Assert.Equal(("p1", 2), (asked!.PlanId, asked.Version));
        await Assert.ThrowsAsync<PlanNotFoundException>(() => harness.Service.GetAsync("p1"));
        await Assert.ThrowsAsync<PlanNotFoundException>(() => harness.Service.GetAsync("p1", 1));
        Assert.Empty(await harness.Service.ListAsync());
        var deleted = Assert.IsType<TaskPlanEvent>((await harness.Events.DeliveredAsync())[^1]);
        Assert.Equal((EventTypes.TaskPlanDeleted, 2), (deleted.Type, deleted.Version));

        // The id is free again.
        Assert.Equal(1, (await harness.Service.CreateAsync(Plan("p1", Item("b")))).Version);
    }

    [Fact]
    public async Task DeleteAsync_WorkflowRunning_ThrowsConflictAndKeepsThePlan()
    {
        await using var harness = new PlanHarness(null, (_, _) => ValueTask.FromResult(true));
        await harness.Service.CreateAsync(Plan("p1", Item("a")));

        var exception = await Assert.ThrowsAsync<PlanConflictException>(() => harness.Service.DeleteAsync("p1"));

        Assert.Equal("Task plan 'p1' cannot be deleted while its workflow runs; cancel the workflow or wait for it to finish.", exception.Message);
        Assert.Equal(1, (await harness.Service.GetAsync("p1")).Version);
    }

    [Fact]
    public async Task DeleteAsync_Draft_NeedsNoPredicate()
    {
        await using var harness = new PlanHarness();
        await harness.Service.CreateAsync(Plan("p1", Item("a")));

        await harness.Service.DeleteAsync("p1");

        Assert.Empty(await harness.Service.ListAsync());
    }

    [Fact]
    public async Task DeleteAsync_UnknownPlan_ThrowsNotFound()
    {
        await using var harness = new PlanHarness();

        await Assert.ThrowsAsync<PlanNotFoundException>(() => harness.Service.DeleteAsync("nope"));
    }

    [Fact]
    public async Task Methods_ArgValidation()
    {
        await using var harness = new PlanHarness();
        var service = harness.Service;

        await Assert.ThrowsAsync<ArgumentNullException>(() => service.CreateAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => service.GetAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => service.EditAsync(null!, 1, []));
        await Assert.ThrowsAsync<ArgumentNullException>(() => service.EditAsync("p1", 1, null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => service.ConfirmAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => service.DiffAsync(null!, 1, 1));
        await Assert.ThrowsAsync<ArgumentNullException>(() => service.DeleteAsync(null!));
        Assert.Throws<ArgumentNullException>(() => new TaskPlanService(null!, AgentCatalog.CreateDefault(), harness.HookRunner, harness.Events.Bus, TimeProvider.System));
    }

    /// <summary>Changes the plan while its before-confirm hooks "run", as a concurrent caller would.</summary>
    private sealed class MeddlingHookRunner(Func<TaskPlanService, string, CancellationToken, Task> meddle) : IHookRunner
    {
        public TaskPlanService? Service { get; set; }

        public async ValueTask<HookRunResult> RunAsync(HookPoint point, string workflowId, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
        {
            if (point == HookPoint.BeforeTaskPlanConfirm)
            {
                await meddle(Service!, workflowId, cancellationToken);
            }

            return HookRunResult.None(point);
        }
    }
}

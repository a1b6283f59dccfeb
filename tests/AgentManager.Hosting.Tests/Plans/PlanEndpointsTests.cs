using System.Text.Json.Nodes;
using AgentManager.Hooks;
using AgentManager.Persistence;
using AgentManager.Tests.Infrastructure;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Tests.Plans;

/// <summary><c>/task-plans</c>: the original's status codes, and a rejected edit that changes nothing.</summary>
public sealed class PlanEndpointsTests : IAsyncLifetime
{
    private TestApi _api = null!;

    public async Task InitializeAsync() => _api = await TestApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static object Item(string id, string? verification = "true", params string[] dependencies) =>
        new { id, title = "Do " + id, assignee = "worker", verification, dependencies, timeout_seconds = 90.5, metadata = new { area = "docs" } };

    private Task<JsonNode> CreateAsync(string planId, params object[] items) =>
        _api.PostJsonAsync("/task-plans", new { plan_id = planId, source_task_id = "task-1", created_by = "manager", items }, HttpStatusCode.Created);

    [Fact]
    public async Task Create_Is201_ADraftInTheOriginalShape()
    {
        using var response = await _api.Client.PostAsync("/task-plans", System.Net.Http.Json.JsonContent.Create(new
        {
            plan_id = "plan-1",
            source_task_id = "task-1",
            items = new[] { Item("item-1"), Item("item-2", "true", "item-1") },
        }));

        var plan = await TestApi.ReadAsync(response, HttpStatusCode.Created);
        Assert.Equal("/task-plans/plan-1", response.Headers.Location!.OriginalString);
        Assert.Equal(("plan-1", "draft", 1), ((string)plan["plan_id"]!, (string)plan["status"]!, (int)plan["version"]!));
        var item = plan["items"]![1]!;
        Assert.Equal(("item-2", "pending_review", "worker"), ((string)item["id"]!, (string)item["status"]!, (string)item["assignee"]!));
        Assert.Equal(["item-1"], item["dependencies"]!.AsArray().Select(d => (string)d!));
        Assert.Equal(90.5, (double)item["timeout_seconds"]!);
        Assert.Equal("docs", (string)item["metadata"]!["area"]!);
        Assert.Null(plan["confirmed_version"]);
    }

    [Fact]
    public async Task Create_WithoutAnId_GetsOne()
    {
        var plan = await _api.PostJsonAsync("/task-plans", new { items = Array.Empty<object>() }, HttpStatusCode.Created);

        Assert.StartsWith("plan-", (string)plan["plan_id"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_BreakingPlanRules_Is400_ListingEveryProblem()
    {
        var problem = await _api.PostJsonAsync("/task-plans", new
        {
            plan_id = "bad",
            items = new[] { Item("a", "true", "ghost"), Item("a"), new { id = "b", title = "" } },
        }, HttpStatusCode.BadRequest);

        var errors = problem["errors"]!.AsArray();
        Assert.True(errors.Count >= 3, problem.ToJsonString());
        Assert.Contains(errors, e => (string?)e!["field"] == "dependencies[0]" && (string?)e["item_id"] == "a");
        Assert.Contains(errors, e => (string?)e!["field"] == "title" && (int?)e["index"] == 2);
        await _api.GetJsonAsync("/task-plans/bad", HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"plan_id":"bad id","items":[]}""", "plan_id")]
    [InlineData("""{"plan_id":"p","items":[{"id":"a b","title":"t"}]}""", "items[0].id")]
    [InlineData("""{"plan_id":"p","items":[{"id":"a","title":"t","dependencies":["x y"]}]}""", "items[0].dependencies[0]")]
    [InlineData("""{"plan_id":"p","items":[null]}""", "items[0]")]
    [InlineData("""{"plan_id":"p","items":[{"id":"a","title":"t","metadata":{"k":null}}]}""", "items[0].metadata.k")]
    public async Task Create_Malformed_Is422(string body, string field)
    {
        var problem = await _api.SendRawAsync(HttpMethod.Post, "/task-plans", body, HttpStatusCode.UnprocessableEntity);

        Assert.Contains(problem["errors"]!.AsArray(), e => (string)e!["field"]! == field);
    }

    [Fact]
    public async Task Create_AnExistingId_Is409()
    {
        await CreateAsync("p", Item("a"));

        await _api.PostJsonAsync("/task-plans", new { plan_id = "p", items = Array.Empty<object>() }, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Get_CurrentOrAVersion_AndUnknownIs404()
    {
        await CreateAsync("p", Item("a"));
        await _api.PutJsonAsync("/task-plans/p", new { items = new[] { Item("a"), Item("b") } }, HttpStatusCode.OK);

        var current = await _api.GetJsonAsync("/task-plans/p");
        var first = await _api.GetJsonAsync("/task-plans/p?version=1");
        var missingVersion = await _api.GetJsonAsync("/task-plans/p?version=9", HttpStatusCode.NotFound);
        var missing = await _api.GetJsonAsync("/task-plans/nope", HttpStatusCode.NotFound);
        await _api.GetJsonAsync("/task-plans/p?version=0", HttpStatusCode.UnprocessableEntity);
        await _api.GetJsonAsync("/task-plans/no%20pe", HttpStatusCode.UnprocessableEntity);

        Assert.Equal((2, 2), ((int)current["version"]!, current["items"]!.AsArray().Count));
        Assert.Single(first["items"]!.AsArray());
        Assert.Equal("Task plan 'p' has no version 9.", Problem.Detail(missingVersion));
        Assert.Equal("Task plan 'nope' does not exist.", Problem.Detail(missing));
    }

    [Fact]
    public async Task List_FiltersByStatus_AndPages()
    {
        await CreateAsync("p1", Item("a"));
        await CreateAsync("p2", Item("a"));
        await CreateAsync("p3", Item("a"));
        await _api.PostJsonAsync("/task-plans/p2/confirm", null, HttpStatusCode.OK);

        var drafts = await _api.GetJsonAsync("/task-plans?status=draft");
        var page = await _api.GetJsonAsync("/task-plans?limit=1&offset=2");
        await _api.GetJsonAsync("/task-plans?status=frozen", HttpStatusCode.UnprocessableEntity);

        Assert.Equal(["p1", "p3"], drafts["items"]!.AsArray().Select(p => (string)p!["plan_id"]!));
        Assert.Equal(["p3"], page["items"]!.AsArray().Select(p => (string)p!["plan_id"]!));
        Assert.Equal(3, (int)page["total"]!);
    }

    [Fact]
    public async Task Edit_ReplacesTheItems_AsTheNextVersion()
    {
        await CreateAsync("p", Item("a"));

        var edited = await _api.PutJsonAsync("/task-plans/p", new { version = 1, items = new[] { Item("a"), Item("b", "true", "a") } }, HttpStatusCode.OK);

        Assert.Equal(2, (int)edited["version"]!);
        Assert.Equal(["a", "b"], edited["items"]!.AsArray().Select(i => (string)i!["id"]!));
    }

    [Fact]
    public async Task Edit_Rejected_ChangesNothing()
    {
        await CreateAsync("p", Item("a"));

        var problem = await _api.PutJsonAsync("/task-plans/p", new { items = new[] { Item("a", "true", "b"), Item("b", "true", "a") } }, HttpStatusCode.BadRequest);

        Assert.Contains("cycle", problem.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        var plan = await _api.GetJsonAsync("/task-plans/p");
        Assert.Equal(1, (int)plan["version"]!);
        Assert.Empty(plan["items"]![0]!["dependencies"]!.AsArray());
    }

    [Fact]
    public async Task Edit_AStaleVersion_Is409()
    {
        await CreateAsync("p", Item("a"));
        await _api.PutJsonAsync("/task-plans/p", new { items = new[] { Item("b") } }, HttpStatusCode.OK);

        var problem = await _api.PutJsonAsync("/task-plans/p", new { version = 1, items = new[] { Item("c") } }, HttpStatusCode.Conflict);

        Assert.Equal("Task plan 'p' is at version 2, not 1; read the plan again and retry.", Problem.Detail(problem));
    }

    [Fact]
    public async Task Edit_OnceConfirmed_Is409_AndChangesNothing()
    {
        await CreateAsync("p", Item("a"));
        await _api.PostJsonAsync("/task-plans/p/confirm", null, HttpStatusCode.OK);

        var problem = await _api.PutJsonAsync("/task-plans/p", new { items = new[] { Item("z") } }, HttpStatusCode.Conflict);

        Assert.Contains("is confirmed", Problem.Detail(problem), StringComparison.Ordinal);
        Assert.Equal("a", (string)(await _api.GetJsonAsync("/task-plans/p"))["items"]![0]!["id"]!);
    }

    [Fact]
    public async Task Edit_UnknownOrMalformed_Is404Or422()
    {
        await _api.PutJsonAsync("/task-plans/nope", new { items = new[] { Item("a") } }, HttpStatusCode.NotFound);
        await CreateAsync("p", Item("a"));
        var noItems = await _api.PutJsonAsync("/task-plans/p", new { version = 1 }, HttpStatusCode.UnprocessableEntity);

        Assert.Equal("items", (string)noItems["errors"]![0]!["field"]!);
    }

    [Fact]
    public async Task Confirm_FreezesThePlan_AndRepeatingIs409()
    {
        await CreateAsync("p", Item("a"), Item("b", "true", "a"));

        var confirmed = await _api.PostJsonAsync("/task-plans/p/confirm", null, HttpStatusCode.OK);
        var again = await _api.PostJsonAsync("/task-plans/p/confirm", null, HttpStatusCode.Conflict);

        Assert.Equal(("confirmed", 2, 2), ((string)confirmed["status"]!, (int)confirmed["version"]!, (int)confirmed["confirmed_version"]!));
        Assert.All(confirmed["items"]!.AsArray(), i => Assert.Equal("confirmed", (string)i!["status"]!));
        Assert.Equal(["worker"], confirmed["assignees"]!.AsArray().Select(a => (string)a!));
        Assert.Contains("is confirmed", Problem.Detail(again), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Confirm_WithAMissingVerification_Is400_AndStaysADraft()
    {
        await CreateAsync("p", Item("a"), Item("b", verification: null));

        var problem = await _api.PostJsonAsync("/task-plans/p/confirm", null, HttpStatusCode.BadRequest);

        Assert.Contains(problem["errors"]!.AsArray(), e => (string)e!["field"]! == "verification" && (string)e["item_id"]! == "b");
        Assert.Equal("draft", (string)(await _api.GetJsonAsync("/task-plans/p"))["status"]!);
    }

    [Fact]
    public async Task Confirm_AStaleVersionOrUnknownPlan_Is409Or404()
    {
        await CreateAsync("p", Item("a"));

        await _api.PostJsonAsync("/task-plans/p/confirm?version=7", null, HttpStatusCode.Conflict);
        await _api.PostJsonAsync("/task-plans/nope/confirm", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Confirm_ABlockingHookFails_Is500_AndThePlanStaysADraft()
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions
        {
            Services = services => services.Configure<HookOptions>(o =>
            {
                o.Enabled = true;
                o.Hooks.Add(new HookDefinition { Name = "gatekeeper", Point = HookPoint.BeforeTaskPlanConfirm, Command = ["/bin/sh", "-c", "echo not today >&2; exit 3"] });
            }),
        });
        await api.PostJsonAsync("/task-plans", new { plan_id = "p", items = new[] { Item("a") } }, HttpStatusCode.Created);

        var problem = await api.PostJsonAsync("/task-plans/p/confirm", null, HttpStatusCode.InternalServerError);

        Assert.StartsWith("Task plan 'p' was not confirmed:", Problem.Detail(problem), StringComparison.Ordinal);
        Assert.Contains("gatekeeper", Problem.Detail(problem), StringComparison.Ordinal);
        var plan = await api.GetJsonAsync("/task-plans/p");
        Assert.Equal(("draft", 1), ((string)plan["status"]!, (int)plan["version"]!));
    }

    [Fact]
    public async Task Diff_ComparesTwoVersions()
    {
        await CreateAsync("p", Item("a"), Item("b"));
        await _api.PutJsonAsync("/task-plans/p", new { items = new[] { Item("b", "make check"), Item("c") } }, HttpStatusCode.OK);

        var diff = await _api.GetJsonAsync("/task-plans/p/diff?from=1&to=2");

        Assert.Equal(["c"], diff["added"]!.AsArray().Select(i => (string)i!["id"]!));
        Assert.Equal(["a"], diff["removed"]!.AsArray().Select(i => (string)i!["id"]!));
        Assert.Equal(["verification"], diff["changed"]![0]!["fields"]!.AsArray().Select(f => (string)f!));
        Assert.True((bool)diff["has_changes"]!);
    }

    [Theory]
    [InlineData("/task-plans/p/diff?to=1", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/task-plans/p/diff?from=1", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/task-plans/p/diff?from=x&to=1", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/task-plans/p/diff?from=1&to=5", HttpStatusCode.NotFound)]
    [InlineData("/task-plans/nope/diff?from=1&to=1", HttpStatusCode.NotFound)]
    public async Task Diff_MissingOrUnknownVersions_Are422Or404(string path, HttpStatusCode expected)
    {
        await CreateAsync("p", Item("a"));

        await _api.GetJsonAsync(path, expected);
    }

    [Fact]
    public async Task Delete_Is204_ThenThePlanIsGone()
    {
        await CreateAsync("p", Item("a"));

        using var response = await _api.Client.DeleteAsync("/task-plans/p");
        using var again = await _api.Client.DeleteAsync("/task-plans/p");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await TestApi.ReadAsync(again, HttpStatusCode.NotFound);
        await _api.GetJsonAsync("/task-plans/p", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_WhileItsWorkflowRuns_Is409()
    {
        await CreateAsync("p", Item("a"));
        var changes = new StateChanges();
        changes.Workflows.Add(new WorkflowRecord { WorkflowId = "p", Status = WorkflowStatus.Running, CreatedAt = DateTimeOffset.UnixEpoch });
        await _api.Services.GetRequiredService<IStateStore>().CommitAsync(changes, CancellationToken.None);

        using var response = await _api.Client.DeleteAsync("/task-plans/p");

        await TestApi.ReadAsync(response, HttpStatusCode.Conflict);
        await _api.GetJsonAsync("/task-plans/p");
    }
}

using System.Text.Json.Nodes;
using AgentManager.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Tests.Workflows;

/// <summary><c>/workflows</c>: create from tasks or a confirmed plan, start, cancel, read with task states.</summary>
public sealed class WorkflowEndpointsTests : IAsyncLifetime
{
    private TestApi _api = null!;

    public async Task InitializeAsync() => _api = await TestApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static object Task(string id, string agent = "echo", params string[] dependencies) =>
        new { task_id = id, title = "Title " + id, prompt = "do " + id, agent_id = agent, dependencies };

    private async Task<JsonNode> WaitForStatusAsync(string workflowId, string status)
    {
        JsonNode workflow = null!;
        await Poll.UntilAsync(async () => (string)(workflow = await _api.GetJsonAsync($"/workflows/{workflowId}"))["status"]! == status, $"workflow '{workflowId}' is {status}");
        return workflow;
    }

    [Fact]
    public async Task Create_FromTasks_WithStart_RunsToCompletion()
    {
        using var response = await _api.Client.PostAsync("/workflows", System.Net.Http.Json.JsonContent.Create(new
        {
            workflow_id = "wf-1",
            name = "nightly",
            metadata = new { team = "docs" },
            tasks = new[] { Task("a"), Task("b", "echo", "a") },
            start = true,
        }));

        var created = await TestApi.ReadAsync(response, HttpStatusCode.Created);
        Assert.Equal("/workflows/wf-1", response.Headers.Location!.OriginalString);
        Assert.Equal(("wf-1", "nightly"), ((string)created["workflow_id"]!, (string)created["name"]!));
        var done = await WaitForStatusAsync("wf-1", "completed");
        Assert.Equal(["a", "b"], done["tasks"]!.AsArray().Select(t => (string)t!["task_id"]!));
        Assert.All(done["tasks"]!.AsArray(), t => Assert.Equal("completed", (string)t!["state"]!));
        Assert.Equal(2, (int)done["task_counts"]!["completed"]!);
        Assert.Equal("docs", (string)done["metadata"]!["team"]!);
        Assert.Equal(response.Headers.GetValues("X-Request-ID").Single(), (string)done["metadata"]!["correlation_id"]!);
        Assert.True((long)done["last_event_id"]! > 0);
    }

    [Fact]
    public async Task Create_WithoutStart_StaysCreated_UntilStarted()
    {
        var created = await _api.PostJsonAsync("/workflows", new { workflow_id = "later", tasks = new[] { Task("a") } }, HttpStatusCode.Created);

        Assert.Equal("created", (string)created["status"]!);
        Assert.Equal("pending", (string)created["tasks"]![0]!["state"]!);
        var started = await _api.PostJsonAsync("/workflows/later/start", null, HttpStatusCode.OK);
        Assert.NotEqual("created", (string)started["status"]!);
        await WaitForStatusAsync("later", "completed");
        var twice = await _api.PostJsonAsync("/workflows/later/start", null, HttpStatusCode.Conflict);
        Assert.Contains("already completed", Problem.Detail(twice), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_FromAConfirmedPlan_RunsItsItems()
    {
        var item = new { id = "write", title = "Write", assignee = "worker", verification = "true" };
        await _api.PostJsonAsync("/task-plans", new { plan_id = "plan-7", items = new[] { item } }, HttpStatusCode.Created);
        await _api.PostJsonAsync("/task-plans/plan-7/confirm", null, HttpStatusCode.OK);

        var created = await _api.PostJsonAsync("/workflows", new { plan_id = "plan-7", start = true }, HttpStatusCode.Created);

        Assert.Equal("plan-7", (string)created["workflow_id"]!);
        Assert.Equal("plan-7", (string)created["metadata"]!["plan_id"]!);
        var done = await WaitForStatusAsync("plan-7", "completed");
        Assert.Equal("worker", (string)done["tasks"]![0]!["agent_id"]!);
    }

    [Fact]
    public async Task Create_FromADraftOrUnknownPlan_Is409Or404()
    {
        await _api.PostJsonAsync("/task-plans", new { plan_id = "draft", items = new[] { new { id = "a", title = "A" } } }, HttpStatusCode.Created);

        var draft = await _api.PostJsonAsync("/workflows", new { plan_id = "draft" }, HttpStatusCode.Conflict);
        await _api.PostJsonAsync("/workflows", new { plan_id = "nope" }, HttpStatusCode.NotFound);

        Assert.Contains("is a draft", Problem.Detail(draft), StringComparison.Ordinal);
        Assert.Empty(await _api.Store.ListWorkflowsAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("""{"workflow_id":"w"}""", "tasks")]
    [InlineData("""{"plan_id":"p","tasks":[]}""", "tasks")]
    [InlineData("""{"workflow_id":"w w","tasks":[{"task_id":"a"}]}""", "workflow_id")]
    [InlineData("""{"tasks":[{"title":"no id"}]}""", "tasks[0].task_id")]
    [InlineData("""{"tasks":[null]}""", "tasks[0]")]
    [InlineData("""{"tasks":[{"task_id":"a","timeout_seconds":1e300}]}""", "tasks[0].timeout_seconds")]
    public async Task Create_Malformed_Is422(string body, string field)
    {
        var problem = await _api.SendRawAsync(HttpMethod.Post, "/workflows", body, HttpStatusCode.UnprocessableEntity);

        Assert.Contains(problem["errors"]!.AsArray(), e => (string)e!["field"]! == field);
    }

    [Fact]
    public async Task Create_BreakingWorkflowRules_Is400_ListingEveryProblem_AndStoresNothing()
    {
        var problem = await _api.PostJsonAsync("/workflows", new
        {
            workflow_id = "bad",
            tasks = new object[] { Task("a", "nobody"), Task("b", "echo", "ghost"), new { task_id = "c", agent_id = "echo", verification = "sh -c 'oops" } },
        }, HttpStatusCode.BadRequest);

        Assert.NotEmpty(problem["errors"]!.AsArray());
        await _api.GetJsonAsync("/workflows/bad", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Create_AnIdInUse_Is400()
    {
        await _api.PostJsonAsync("/workflows", new { workflow_id = "w", tasks = new[] { Task("a") } }, HttpStatusCode.Created);

        var problem = await _api.PostJsonAsync("/workflows", new { workflow_id = "w", tasks = new[] { Task("a") } }, HttpStatusCode.BadRequest);

        Assert.Contains("already in use", Problem.Detail(problem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_ARunningWorkflow_CancelsItsTasks_ThenAFinishedOneIs409()
    {
        await _api.PostJsonAsync("/workflows", new { workflow_id = "w", tasks = new[] { Task("slow", "gated"), Task("next", "echo", "slow") }, start = true }, HttpStatusCode.Created);
        await Poll.UntilAsync(async () => (string)(await _api.GetJsonAsync("/workflows/w"))["tasks"]![0]!["state"]! == "implementing", "the gated task runs");
        var lease = (await _api.GetJsonAsync("/workflows/w"))["lease"]!;
        Assert.StartsWith(Environment.MachineName + "/" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/", (string)lease["owner"]!, StringComparison.Ordinal);
        Assert.True((long)lease["fencing_token"]! >= 1);
        Assert.NotNull(lease["expires_at"]);

        await _api.PostJsonAsync("/workflows/w/cancel?reason=changed%20plans", null, HttpStatusCode.OK);
        var cancelled = await WaitForStatusAsync("w", "cancelled");
        var again = await _api.PostJsonAsync("/workflows/w/cancel", null, HttpStatusCode.Conflict);

        Assert.Equal("changed plans", (string)cancelled["reason"]!);
        Assert.All(cancelled["tasks"]!.AsArray(), t => Assert.Equal("cancelled", (string)t!["state"]!));
        Assert.Contains("already cancelled", Problem.Detail(again), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/workflows/nope/start")]
    [InlineData("/workflows/nope/cancel")]
    public async Task StartOrCancel_UnknownWorkflow_Is404(string path)
    {
        var problem = await _api.PostJsonAsync(path, null, HttpStatusCode.NotFound);

        Assert.Equal("Workflow 'nope' does not exist.", Problem.Detail(problem));
    }

    [Fact]
    public async Task Task_ShowsItsTransitionsAndOutputTail()
    {
        await _api.PostJsonAsync("/workflows", new { workflow_id = "w", tasks = new object[] { Task("a"), new { task_id = "bad", agent_id = "failing", max_attempts = 1 } }, start = true }, HttpStatusCode.Created);
        await WaitForStatusAsync("w", "failed");

        var a = await _api.GetJsonAsync("/workflows/w/tasks/a");
        var bad = await _api.GetJsonAsync("/workflows/w/tasks/bad");

        Assert.Equal(("completed", "echo: do a", 1), ((string)a["state"]!, (string)a["output_tail"]!, (int)a["attempt"]!));
        Assert.Equal(["ready", "implementing", "verifying", "completed"], a["transitions"]!.AsArray().Select(t => (string)t!["to"]!));
        Assert.All(a["transitions"]!.AsArray(), t => Assert.Equal("engine", (string)t!["actor"]!));
        Assert.Equal("failed", (string)bad["state"]!);
        Assert.Contains("failed on purpose", (string)bad["last_error"]!, StringComparison.Ordinal);
        Assert.Equal("partial output", (string)bad["output_tail"]!);
    }

    [Theory]
    [InlineData("/workflows/nope/tasks/a", HttpStatusCode.NotFound)]
    [InlineData("/workflows/w/tasks/nope", HttpStatusCode.NotFound)]
    [InlineData("/workflows/w/tasks/a%20b", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/workflows/w%20x", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/workflows/nope", HttpStatusCode.NotFound)]
    [InlineData("/workflows/nope/transitions", HttpStatusCode.NotFound)]
    [InlineData("/workflows/w/transitions?task_id=a%20b", HttpStatusCode.UnprocessableEntity)]
    public async Task Reads_UnknownOrMalformedIds_Are404Or422(string path, HttpStatusCode expected)
    {
        await _api.PostJsonAsync("/workflows", new { workflow_id = "w", tasks = new[] { Task("a") } }, HttpStatusCode.Created);

        await _api.GetJsonAsync(path, expected);
    }

    [Fact]
    public async Task Transitions_OfTheWorkflowOrOneTask()
    {
        await _api.PostJsonAsync("/workflows", new { workflow_id = "w", tasks = new[] { Task("a"), Task("b") }, start = true }, HttpStatusCode.Created);
        await WaitForStatusAsync("w", "completed");

        var all = (await _api.GetJsonAsync("/workflows/w/transitions")).AsArray();
        var b = (await _api.GetJsonAsync("/workflows/w/transitions?task_id=b")).AsArray();

        Assert.Equal(8, all.Count);
        Assert.Equal(4, b.Count);
        Assert.Equal(("pending", "ready", "dependencies_met"), ((string)b[0]!["from"]!, (string)b[0]!["to"]!, (string)b[0]!["trigger"]!));
    }

    [Fact]
    public async Task Tasks_PagesAWorkflowsTasksInOrdinalOrder_FilteredByStatus()
    {
        await _api.PostJsonAsync("/workflows", new { workflow_id = "w", tasks = new[] { Task("a"), Task("b", "echo", "a"), Task("c") } }, HttpStatusCode.Created);

        var page = await _api.GetJsonAsync("/workflows/w/tasks?limit=2&offset=1");
        var pending = await _api.GetJsonAsync("/workflows/w/tasks?status=pending");
        var none = await _api.GetJsonAsync("/workflows/w/tasks?status=failed");
        await _api.GetJsonAsync("/workflows/w/tasks?status=sleeping", HttpStatusCode.UnprocessableEntity);
        await _api.GetJsonAsync("/workflows/nope/tasks", HttpStatusCode.NotFound);

        Assert.Equal(["b", "c"], page["items"]!.AsArray().Select(t => (string)t!["task_id"]!));
        Assert.Equal((3, 2, 1), ((int)page["total"]!, (int)page["limit"]!, (int)page["offset"]!));
        Assert.Equal(["a"], page["items"]![0]!["dependencies"]!.AsArray().Select(d => (string)d!));
        Assert.Equal(["a", "b", "c"], pending["items"]!.AsArray().Select(t => (string)t!["task_id"]!));
        Assert.Equal((0, 0), (none["items"]!.AsArray().Count, (int)none["total"]!));
    }

    [Fact]
    public async Task List_FiltersByStatus_AndPages_WithoutTaskLists()
    {
        await _api.PostJsonAsync("/workflows", new { workflow_id = "w1", tasks = new[] { Task("a") }, start = true }, HttpStatusCode.Created);
        await _api.PostJsonAsync("/workflows", new { workflow_id = "w2", tasks = new[] { Task("a") } }, HttpStatusCode.Created);
        await _api.PostJsonAsync("/workflows", new { workflow_id = "w3", tasks = new[] { Task("a") } }, HttpStatusCode.Created);
        await WaitForStatusAsync("w1", "completed");

        var created = await _api.GetJsonAsync("/workflows?status=created");
        var page = await _api.GetJsonAsync("/workflows?limit=1&offset=1");
        var createdPage = await _api.GetJsonAsync("/workflows?status=created&limit=1&offset=1");
        await _api.GetJsonAsync("/workflows?status=sleeping", HttpStatusCode.UnprocessableEntity);

        Assert.Equal(["w2", "w3"], created["items"]!.AsArray().Select(w => (string)w!["workflow_id"]!));
        Assert.Equal(["w2"], page["items"]!.AsArray().Select(w => (string)w!["workflow_id"]!));
        Assert.Equal(3, (int)page["total"]!);
        Assert.Null(page["items"]![0]!["tasks"]);
        Assert.Equal(1, (int)page["items"]![0]!["task_counts"]!["pending"]!);
        Assert.Equal(["w3"], createdPage["items"]!.AsArray().Select(w => (string)w!["workflow_id"]!));
        Assert.Equal(2, (int)createdPage["total"]!);
    }

    [Fact]
    public async Task Status_CountsTasksOfEveryWorkflow()
    {
        await _api.PostJsonAsync("/workflows", new { workflow_id = "w", tasks = new[] { Task("a"), Task("b") }, start = true }, HttpStatusCode.Created);
        await WaitForStatusAsync("w", "completed");
        await _api.PostJsonAsync("/tasks", new { node_id = "x", task_type = "t" }, HttpStatusCode.Created);

        var status = await _api.GetJsonAsync("/status");

        Assert.Equal((3, 2, 3, 0, 1, 2), ((int)status["total_tasks"]!, (int)status["completed_tasks"]!, (int)status["dag_nodes"]!, (int)status["running_tasks"]!, (int)status["ready_tasks"]!, (int)status["workflows"]!));
        Assert.True((long)status["events_published"]! >= 12);
    }
}

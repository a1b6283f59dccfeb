using System.Text.Json.Nodes;
using AgentManager.Events;
using AgentManager.Persistence;
using AgentManager.Tests.Infrastructure;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Tests.Adhoc;

/// <summary>The original API's flat task DAG: <c>/tasks</c>, its status codes, and the original's bugs fixed.</summary>
public sealed class AdhocTaskEndpointsTests : IAsyncLifetime
{
    private TestApi _api = null!;

    public async Task InitializeAsync() => _api = await TestApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private Task<JsonNode> CreateAsync(string id, params string[] dependencies) =>
        _api.PostJsonAsync("/tasks", new { node_id = id, task_type = "data_processing", dependencies }, HttpStatusCode.Created);

    private async Task<string> StatusOfAsync(string id) => (string)(await _api.GetJsonAsync($"/tasks/{id}"))["status"]!;

    private async Task<JsonArray> TransitionsAsync(string id) =>
        (await _api.GetJsonAsync($"/workflows/adhoc/transitions?task_id={id}")).AsArray();

    [Fact]
    public async Task Create_Is201_InTheOriginalShape_ReadyWhenNothingIsAwaited()
    {
        using var response = await _api.Client.PostAsync("/tasks", new StringContent(
            """{"node_id":"task_1","task_type":"data_processing","metadata":{"owner":"ops","n":[1,2]}}""", System.Text.Encoding.UTF8, "application/json"));

        var task = await TestApi.ReadAsync(response, HttpStatusCode.Created);
        Assert.Equal("/tasks/task_1", response.Headers.Location!.OriginalString);
        Assert.Equal("task_1", (string)task["node_id"]!);
        Assert.Equal("data_processing", (string)task["task_type"]!);
        Assert.Equal("ready", (string)task["status"]!);
        Assert.Empty(task["dependencies"]!.AsArray());
        Assert.Equal("""{"owner":"ops","n":[1,2]}""", task["metadata"]!.ToJsonString());
        Assert.Equal(task.ToJsonString(), (await _api.GetJsonAsync("/tasks/task_1")).ToJsonString());
    }

    [Fact]
    public async Task Create_WithAnUnfinishedDependency_IsPending()
    {
        await CreateAsync("a");

        var b = await CreateAsync("b", "a");

        Assert.Equal("pending", (string)b["status"]!);
        Assert.Equal(["a"], b["dependencies"]!.AsArray().Select(d => (string)d!));
        Assert.Equal("{}", b["metadata"]!.ToJsonString());
    }

    [Fact]
    public async Task Create_AnExistingId_Is400_AndChangesNothing()
    {
        await CreateAsync("a");

        var problem = await _api.PostJsonAsync("/tasks", new { node_id = "a", task_type = "other" }, HttpStatusCode.BadRequest);

        Assert.Equal("Task 'a' already exists; task ids must be unique.", Problem.Detail(problem));
        Assert.Equal("data_processing", (string)(await _api.GetJsonAsync("/tasks/a"))["task_type"]!);
    }

    [Fact]
    public async Task Create_UnknownDependency_Is400_NamingIt_AndStoresNothing()
    {
        await CreateAsync("a");

        var problem = await _api.PostJsonAsync("/tasks", new { node_id = "b", task_type = "t", dependencies = new[] { "a", "ghost" } }, HttpStatusCode.BadRequest);
        var self = await _api.PostJsonAsync("/tasks", new { node_id = "c", task_type = "t", dependencies = new[] { "c" } }, HttpStatusCode.BadRequest);

        Assert.Equal("Task 'b' depends on 'ghost', which is not a task; create dependencies first.", Problem.Detail(problem));
        Assert.Equal("Task 'c' cannot depend on itself.", Problem.Detail(self));
        Assert.Single((await _api.GetJsonAsync("/tasks"))["items"]!.AsArray());
    }

    [Theory]
    [InlineData("""{"task_type":"t"}""", "node_id")]
    [InlineData("""{"node_id":"bad id","task_type":"t"}""", "node_id")]
    [InlineData("""{"node_id":"a","task_type":" "}""", "task_type")]
    [InlineData("""{"node_id":"a"}""", "task_type")]
    [InlineData("""{"node_id":"a","task_type":"t","dependencies":["ok","no/slash"]}""", "dependencies[1]")]
    [InlineData("""{"node_id":"a","task_type":"t","dependencies":[null]}""", "dependencies[0]")]
    [InlineData("""{"node_id":"a","task_type":"t","metadata":[1]}""", "metadata")]
    public async Task Create_Malformed_Is422_NamingTheField(string body, string field)
    {
        var problem = await _api.SendRawAsync(HttpMethod.Post, "/tasks", body, HttpStatusCode.UnprocessableEntity);

        Assert.Contains(problem["errors"]!.AsArray(), e => (string)e!["field"]! == field);
        Assert.StartsWith($"The request is malformed: {field} ", Problem.Detail(problem), StringComparison.Ordinal);
        Assert.Empty(await _api.Store.ListWorkflowsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Ready_ListsReadyIds_WithTheCounts()
    {
        await CreateAsync("a");
        await CreateAsync("b");
        await CreateAsync("c", "a");
        await _api.PostJsonAsync("/tasks/b/start", null, HttpStatusCode.OK);

        var ready = await _api.GetJsonAsync("/tasks/ready");

        Assert.Equal(["a"], ready["ready_tasks"]!.AsArray().Select(t => (string)t!));
        Assert.Equal(3, (int)ready["total_tasks"]!);
        Assert.Equal(1, (int)ready["running_tasks"]!);
    }

    [Fact]
    public async Task Ready_BeforeAnyTask_IsEmpty()
    {
        var ready = await _api.GetJsonAsync("/tasks/ready");

        Assert.Empty(ready["ready_tasks"]!.AsArray());
        Assert.Equal(0, (int)ready["total_tasks"]!);
    }

    [Fact]
    public async Task Get_UnknownOrMalformedId_Is404Or422()
    {
        await _api.GetJsonAsync("/tasks/nope", HttpStatusCode.NotFound);
        await CreateAsync("a");

        var missing = await _api.GetJsonAsync("/tasks/nope", HttpStatusCode.NotFound);
        await _api.GetJsonAsync("/tasks/a%20b", HttpStatusCode.UnprocessableEntity);

        Assert.Equal("Task 'nope' does not exist.", Problem.Detail(missing));
    }

    [Fact]
    public async Task Complete_IsRecordedWithActorApi_AndMakesWaitingDependentsReady()
    {
        await CreateAsync("a");
        await CreateAsync("b");
        await CreateAsync("c", "a", "b");

        var done = await _api.PostJsonAsync("/tasks/a/complete", null, HttpStatusCode.OK);
        Assert.Equal("pending", await StatusOfAsync("c"));
        await _api.PostJsonAsync("/tasks/b/complete", null, HttpStatusCode.OK);

        Assert.Equal("""{"task_id":"a","status":"completed"}""", done.ToJsonString());
        Assert.Equal("ready", await StatusOfAsync("c"));
        var history = await TransitionsAsync("a");
        Assert.Equal(["dependencies_met", "start", "implementation_succeeded", "verification_passed"], history.Select(t => (string)t!["trigger"]!));
        Assert.All(history, t => Assert.Equal("api", (string)t!["actor"]!));
        Assert.Equal(1, (int)(await _api.GetJsonAsync("/tasks/a"))["attempt"]!);
    }

    [Fact]
    public async Task Complete_APendingTask_Is409_NamingTheUnmetDependencies()
    {
        await CreateAsync("a");
        await CreateAsync("b", "a");

        var problem = await _api.PostJsonAsync("/tasks/b/complete", null, HttpStatusCode.Conflict);

        Assert.Equal("Task 'b' cannot complete: its dependencies 'a' are not completed.", Problem.Detail(problem));
        Assert.Equal("pending", await StatusOfAsync("b"));
    }

    [Fact]
    public async Task Complete_Twice_Is409_AndRecordsNothingMore()
    {
        await CreateAsync("a");
        await _api.PostJsonAsync("/tasks/a/complete", null, HttpStatusCode.OK);
        var before = (await TransitionsAsync("a")).Count;

        var problem = await _api.PostJsonAsync("/tasks/a/complete", null, HttpStatusCode.Conflict);

        Assert.Equal("Task 'a' is already completed.", Problem.Detail(problem));
        Assert.Equal(before, (await TransitionsAsync("a")).Count);
    }

    [Fact]
    public async Task Fail_ACompletedTask_Is409_AndChangesNothing()
    {
        await CreateAsync("a");
        await CreateAsync("b", "a");
        await _api.PostJsonAsync("/tasks/a/complete", null, HttpStatusCode.OK);

        var problem = await _api.PostJsonAsync("/tasks/a/fail?reason=late", null, HttpStatusCode.Conflict);

        Assert.Equal("Task 'a' is completed, which is final; it cannot fail.", Problem.Detail(problem));
        Assert.Equal("completed", await StatusOfAsync("a"));
        Assert.Equal("ready", await StatusOfAsync("b"));
        Assert.Equal("completed", (await _api.Store.GetTaskAsync("adhoc", "a", CancellationToken.None))!.State.ToString().ToLowerInvariant());
    }

    [Fact]
    public async Task Fail_ARunnableTask_RecordsTheReason_AndCancelsEveryDependent()
    {
        await CreateAsync("a");
        await CreateAsync("b", "a");
        await CreateAsync("c", "b");
        await CreateAsync("d");

        var failed = await _api.PostJsonAsync("/tasks/a/fail?reason=disk%20full", null, HttpStatusCode.OK);

        Assert.Equal("""{"task_id":"a","status":"failed"}""", failed.ToJsonString());
        var a = await _api.GetJsonAsync("/tasks/a");
        Assert.Equal("disk full", (string)a["last_error"]!);
        Assert.Equal(["start", "attempt_failed", "give_up"], (await TransitionsAsync("a")).Skip(1).Select(t => (string)t!["trigger"]!));
        Assert.Equal("cancelled", await StatusOfAsync("b"));
        Assert.Equal("cancelled", await StatusOfAsync("c"));
        Assert.Equal("Dependency 'a' failed.", (string)(await _api.GetJsonAsync("/tasks/c"))["last_error"]!);
        Assert.Equal("ready", await StatusOfAsync("d"));
    }

    [Fact]
    public async Task Fail_WithoutAReason_RecordsADefaultOne()
    {
        await CreateAsync("a");
        await _api.PostJsonAsync("/tasks/a/start", null, HttpStatusCode.OK);

        await _api.PostJsonAsync("/tasks/a/fail", null, HttpStatusCode.OK);

        Assert.Equal("Failed through the API.", (string)(await _api.GetJsonAsync("/tasks/a"))["last_error"]!);
    }

    [Fact]
    public async Task Fail_APendingOrFailedTask_Is409()
    {
        await CreateAsync("a");
        await CreateAsync("b", "a");
        await _api.PostJsonAsync("/tasks/a/fail", null, HttpStatusCode.OK);
        await CreateAsync("c", "a");

        var pending = await _api.PostJsonAsync("/tasks/c/fail", null, HttpStatusCode.Conflict);
        var again = await _api.PostJsonAsync("/tasks/a/fail", null, HttpStatusCode.Conflict);

        Assert.Equal("Task 'c' is pending and never ran, so it cannot fail; cancel it instead (POST /tasks/c/cancel).", Problem.Detail(pending));
        Assert.Equal("Task 'a' is already failed.", Problem.Detail(again));
    }

    [Fact]
    public async Task Complete_AFailedTask_NeedsAReason_ThenIsAHumanDecisionByApi()
    {
        await CreateAsync("a");
        await _api.PostJsonAsync("/tasks/a/fail", null, HttpStatusCode.OK);

        var refused = await _api.PostJsonAsync("/tasks/a/complete", null, HttpStatusCode.Conflict);
        Assert.Equal("failed", await StatusOfAsync("a"));
        await _api.PostJsonAsync("/tasks/a/complete?reason=fixed%20by%20hand", null, HttpStatusCode.OK);

        Assert.Contains("needs a reason", Problem.Detail(refused), StringComparison.Ordinal);
        var last = (await TransitionsAsync("a"))[^1]!;
        Assert.Equal(("human_complete", "api", "fixed by hand"), ((string)last["trigger"]!, (string)last["actor"]!, (string)last["reason"]!));
        Assert.Equal("completed", await StatusOfAsync("a"));
    }

    [Fact]
    public async Task Start_ThenComplete_CountsAsRunningMeanwhile()
    {
        await CreateAsync("a");

        var started = await _api.PostJsonAsync("/tasks/a/start", null, HttpStatusCode.OK);
        var status = await _api.GetJsonAsync("/status");
        await _api.PostJsonAsync("/tasks/a/complete", null, HttpStatusCode.OK);

        Assert.Equal("implementing", (string)started["status"]!);
        Assert.Equal(1, (int)status["running_tasks"]!);
        Assert.Equal(["dependencies_met", "start", "implementation_succeeded", "verification_passed"], (await TransitionsAsync("a")).Select(t => (string)t!["trigger"]!));
    }

    [Fact]
    public async Task Start_APendingTask_Is409()
    {
        await CreateAsync("a");
        await CreateAsync("b", "a");

        await _api.PostJsonAsync("/tasks/b/start", null, HttpStatusCode.Conflict);
        await _api.PostJsonAsync("/tasks/a/start", null, HttpStatusCode.OK);
        var twice = await _api.PostJsonAsync("/tasks/a/start", null, HttpStatusCode.Conflict);

        Assert.Contains("cannot move from 'implementing'", Problem.Detail(twice), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_CancelsTheTaskAndItsDependents_ButNotAFinishedOne()
    {
        await CreateAsync("a");
        await CreateAsync("b", "a");
        await CreateAsync("done");
        await _api.PostJsonAsync("/tasks/done/complete", null, HttpStatusCode.OK);

        await _api.PostJsonAsync("/tasks/a/cancel?reason=not%20needed", null, HttpStatusCode.OK);
        var finished = await _api.PostJsonAsync("/tasks/done/cancel", null, HttpStatusCode.Conflict);

        Assert.Equal("cancelled", await StatusOfAsync("a"));
        Assert.Equal("Dependency 'a' was cancelled.", (string)(await _api.GetJsonAsync("/tasks/b"))["last_error"]!);
        Assert.Equal("Task 'done' is completed, which is final; it cannot be cancelled.", Problem.Detail(finished));
    }

    [Theory]
    [InlineData("complete")]
    [InlineData("fail")]
    [InlineData("start")]
    [InlineData("cancel")]
    public async Task Moves_OnUnknownOrMalformedIds_Are404Or422(string move)
    {
        await _api.PostJsonAsync($"/tasks/nope/{move}", null, HttpStatusCode.NotFound);
        await CreateAsync("a");
        await _api.PostJsonAsync($"/tasks/nope/{move}", null, HttpStatusCode.NotFound);
        await _api.PostJsonAsync($"/tasks/a%20b/{move}", null, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task List_FiltersByStatus_AndPages()
    {
        foreach (var id in new[] { "a", "b", "c" })
        {
            await CreateAsync(id);
        }

        await CreateAsync("d", "a");

        var ready = await _api.GetJsonAsync("/tasks?status=ready&limit=2&offset=1");
        var all = await _api.GetJsonAsync("/tasks");

        Assert.Equal(["b", "c"], ready["items"]!.AsArray().Select(t => (string)t!["node_id"]!));
        Assert.Equal((3, 2, 1), ((int)ready["total"]!, (int)ready["limit"]!, (int)ready["offset"]!));
        Assert.Equal(4, (int)all["total"]!);
        Assert.Equal(50, (int)all["limit"]!);
    }

    [Theory]
    [InlineData("/tasks?status=done")]
    [InlineData("/tasks?limit=0")]
    [InlineData("/tasks?limit=abc")]
    [InlineData("/tasks?offset=-1")]
    public async Task List_MalformedQuery_Is422(string path)
    {
        var problem = await _api.GetJsonAsync(path, HttpStatusCode.UnprocessableEntity);

        Assert.StartsWith("Query parameter '", Problem.Detail(problem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_OfAnApiCall_CarryItsRequestIdAsCorrelationId()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/tasks") { Content = System.Net.Http.Json.JsonContent.Create(new { node_id = "a", task_type = "t" }) };
        request.Headers.Add("X-Request-ID", "create-a");
        using var response = await _api.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();

        var events = await _api.Store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter("adhoc") }, CancellationToken.None);

        Assert.Equal(["workflow_created", "workflow_started", "task_ready"], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal("create-a", e.CorrelationId));
    }

    [Fact]
    public async Task AdhocWorkflow_CannotBeStartedOrCancelledAsAWhole()
    {
        await CreateAsync("a");

        var start = await _api.PostJsonAsync("/workflows/adhoc/start", null, HttpStatusCode.Conflict);
        await _api.PostJsonAsync("/workflows/adhoc/cancel", null, HttpStatusCode.Conflict);

        Assert.Contains("holds the tasks of /tasks", Problem.Detail(start), StringComparison.Ordinal);
        Assert.Equal("running", (string)(await _api.GetJsonAsync("/workflows/adhoc"))["status"]!);
    }

    [Fact]
    public async Task AdhocWorkflowId_TakenByAnotherWorkflow_Is409()
    {
        var engine = _api.Services.GetRequiredService<IWorkflowEngine>();
        var workflow = new WorkflowDefinition { Id = "adhoc", DefaultAgentId = "echo" };
        workflow.Tasks.Add(new TaskDefinition("x"));
        await engine.CreateAsync(workflow);

        var problem = await _api.PostJsonAsync("/tasks", new { node_id = "a", task_type = "t" }, HttpStatusCode.Conflict);

        Assert.Contains("AdhocWorkflowId", Problem.Detail(problem), StringComparison.Ordinal);
        await _api.GetJsonAsync("/tasks/x", HttpStatusCode.Conflict);
    }
}

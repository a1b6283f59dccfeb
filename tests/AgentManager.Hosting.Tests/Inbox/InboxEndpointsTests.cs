using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json.Nodes;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Tests.Infrastructure;
using AgentManager.Workflows;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Tests.Inbox;

/// <summary><c>/inbox</c>: the tasks blocked for a human and every decision about them, with every error code.</summary>
public sealed class InboxEndpointsTests : IAsyncLifetime
{
    private TestApi _api = null!;

    public async Task InitializeAsync() => _api = await StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    /// <summary>A host whose failed tasks are blocked for a human at once (one attempt, then L4).</summary>
    internal static Task<TestApi> StartAsync(Action<WebApplication>? app = null) => TestApi.StartAsync(new TestApiOptions
    {
        AgentManager = b => b.Services.Configure<AgentManagerOptions>(o => o.Repair.BlockForHuman = true),
        App = app,
    });

    /// <summary>Starts a workflow whose task "a" fails and is blocked for a human; "b" depends on it, "c" does not.</summary>
    internal static async Task BlockAsync(TestApi api, string workflowId)
    {
        await api.PostJsonAsync("/workflows", new
        {
            workflow_id = workflowId,
            tasks = new object[]
            {
                new { task_id = "a", title = "Sign off", agent_id = "failing", max_attempts = 1 },
                new { task_id = "b", agent_id = "echo", dependencies = new[] { "a" } },
                new { task_id = "c", agent_id = "echo" },
            },
            start = true,
        }, HttpStatusCode.Created);
        await WaitForTaskAsync(api, workflowId, "a", "blocked_hitl");
        await WaitForTaskAsync(api, workflowId, "c", "completed");
    }

    internal static async Task<JsonNode> WaitForTaskAsync(TestApi api, string workflowId, string taskId, string state)
    {
        JsonNode task = null!;
        await Poll.UntilAsync(async () => (string)(task = await api.GetJsonAsync($"/workflows/{workflowId}/tasks/{taskId}"))["state"]! == state, $"task '{taskId}' of '{workflowId}' is {state}");
        return task;
    }

    private async Task<string> WorkflowStatusAsync(string workflowId, string status)
    {
        await Poll.UntilAsync(async () => (string)(await _api.GetJsonAsync($"/workflows/{workflowId}"))["status"]! == status, $"'{workflowId}' is {status}");
        return status;
    }

    [Fact]
    public async Task List_BlockedTasks_ShowsWhatAPersonNeedsPagedAndFilteredByWorkflow()
    {
        await BlockAsync(_api, "wf-1");
        await BlockAsync(_api, "wf-2");

        var all = await _api.GetJsonAsync("/inbox");
        var page = await _api.GetJsonAsync("/inbox?limit=1&offset=1");
        var one = await _api.GetJsonAsync("/inbox?workflow_id=wf-2");

        Assert.Equal(2, (int)all["total"]!);
        var item = all["items"]![0]!;
        Assert.Equal(("wf-1", "a", "Sign off", "failing", 1), ((string)item["workflow_id"]!, (string)item["task_id"]!, (string)item["title"]!, (string)item["agent_id"]!, (int)item["attempts"]!));
        Assert.Equal(("task 'a' failed on purpose", "partial output"), ((string)item["last_error"]!, (string)item["last_output"]!));
        Assert.Equal("blocked_hitl", (string)item["history"]!.AsArray()[^1]!["to"]!);
        Assert.Empty(item["pending_decisions"]!.AsArray());
        Assert.Equal(("wf-2", 2, 1, 1), ((string)page["items"]![0]!["workflow_id"]!, (int)page["total"]!, (int)page["limit"]!, (int)page["offset"]!));
        Assert.Equal(["wf-2"], one["items"]!.AsArray().Select(i => (string)i!["workflow_id"]!));
    }

    [Fact]
    public async Task List_UnknownOrMalformedWorkflowOrPage_Is404Or422()
    {
        var unknown = await _api.GetJsonAsync("/inbox?workflow_id=nope", HttpStatusCode.NotFound);
        var malformed = await _api.GetJsonAsync("/inbox?workflow_id=bad%20id", HttpStatusCode.UnprocessableEntity);
        var badLimit = await _api.GetJsonAsync("/inbox?limit=0", HttpStatusCode.UnprocessableEntity);

        Assert.Contains("'nope'", Problem.Detail(unknown), StringComparison.Ordinal);
        Assert.Contains("'bad id' is not a valid id", Problem.Detail(malformed), StringComparison.Ordinal);
        Assert.Contains("'limit'", Problem.Detail(badLimit), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Complete_WithReason_CompletesTheTaskAsApiAndReleasesItsDependents()
    {
        await BlockAsync(_api, "done");

        var decision = await _api.PostJsonAsync("/inbox/done/a/complete", new { reason = "signed on paper" }, HttpStatusCode.OK);

        Assert.Equal(("complete", "api", "signed on paper", "applied"), ((string)decision["action"]!, (string)decision["actor"]!, (string)decision["reason"]!, (string)decision["status"]!));
        await WorkflowStatusAsync("done", "completed");
        var task = await _api.GetJsonAsync("/workflows/done/tasks/a");
        var last = task["transitions"]!.AsArray()[^1]!;
        Assert.Equal(("completed", "human_complete", "api", "signed on paper"), ((string)last["to"]!, (string)last["trigger"]!, (string)last["actor"]!, (string)last["reason"]!));
        Assert.Equal("completed", (string)(await _api.GetJsonAsync("/workflows/done/tasks/b"))["state"]!);
        Assert.Equal(0, (int)(await _api.GetJsonAsync("/inbox"))["total"]!);
        var read = await _api.GetJsonAsync($"/inbox/decisions/{(string)decision["decision_id"]!}");
        Assert.Equal("applied", (string)read["status"]!);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{}")]
    [InlineData("{\"reason\":\"   \"}")]
    [InlineData("{\"reason\":5}")]
    [InlineData("[1,2]")]
    [InlineData("{not json")]
    public async Task Complete_WithoutAReason_Is422AndChangesNothing(string? body)
    {
        await BlockAsync(_api, "no-reason");

        var problem = await _api.SendRawAsync(HttpMethod.Post, "/inbox/no-reason/a/complete", body, HttpStatusCode.UnprocessableEntity);

        Assert.False(string.IsNullOrWhiteSpace(Problem.Detail(problem)));
        Assert.Equal("blocked_hitl", (string)(await _api.GetJsonAsync("/workflows/no-reason/tasks/a"))["state"]!);
    }

    [Fact]
    public async Task Retry_WithoutBody_GivesOneMoreAttemptThatBlocksAgain()
    {
        await BlockAsync(_api, "again");

        var decision = await _api.PostJsonAsync("/inbox/again/a/retry", null, HttpStatusCode.OK);

        Assert.Equal(("retry", "api"), ((string)decision["action"]!, (string)decision["actor"]!));
        Assert.Contains("without a reason", (string)decision["reason"]!, StringComparison.Ordinal);
        await Poll.UntilAsync(async () => (int)(await _api.GetJsonAsync("/workflows/again/tasks/a"))["attempt"]! == 2, "the retry ran");
        var task = await WaitForTaskAsync(_api, "again", "a", "blocked_hitl");
        Assert.Contains(task["transitions"]!.AsArray(), t => (string)t!["trigger"]! == "human_retry" && (string)t!["actor"]! == "api");
    }

    [Fact]
    public async Task Fail_WithReason_FailsTheTaskCancelsItsDependentsAndTheWorkflowFails()
    {
        await BlockAsync(_api, "failed");

        var decision = await _api.PostJsonAsync("/inbox/failed/a/fail", new { reason = "cannot be signed" }, HttpStatusCode.OK);

        Assert.Equal("applied", (string)decision["status"]!);
        await WorkflowStatusAsync("failed", "failed");
        Assert.Equal("failed", (string)(await _api.GetJsonAsync("/workflows/failed/tasks/a"))["state"]!);
        Assert.Equal("cancelled", (string)(await _api.GetJsonAsync("/workflows/failed/tasks/b"))["state"]!);
    }

    [Fact]
    public async Task Cancel_CancelsTheTaskAndItsDependents()
    {
        await BlockAsync(_api, "dropped");

        await _api.PostJsonAsync("/inbox/dropped/a/cancel", new { reason = "not needed" }, HttpStatusCode.OK);

        await WorkflowStatusAsync("dropped", "cancelled");
        var task = await _api.GetJsonAsync("/workflows/dropped/tasks/a");
        Assert.Equal(("cancelled", "not needed"), ((string)task["state"]!, (string)task["transitions"]!.AsArray()[^1]!["reason"]!));
        Assert.Equal("cancelled", (string)(await _api.GetJsonAsync("/workflows/dropped/tasks/b"))["state"]!);
    }

    [Theory]
    [InlineData("retry")]
    [InlineData("complete")]
    [InlineData("fail")]
    [InlineData("cancel")]
    public async Task Decide_UnknownWorkflowOrTask_Is404(string action)
    {
        await BlockAsync(_api, "known");

        var workflow = await _api.PostJsonAsync($"/inbox/nope/a/{action}", new { reason = "r" }, HttpStatusCode.NotFound);
        var task = await _api.PostJsonAsync($"/inbox/known/zz/{action}", new { reason = "r" }, HttpStatusCode.NotFound);

        Assert.Contains("'nope'", Problem.Detail(workflow), StringComparison.Ordinal);
        Assert.Contains("'zz'", Problem.Detail(task), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("retry")]
    [InlineData("complete")]
    [InlineData("fail")]
    [InlineData("cancel")]
    public async Task Decide_TaskNotBlocked_Is409NamingItsState(string action)
    {
        await BlockAsync(_api, "busy");

        var problem = await _api.PostJsonAsync($"/inbox/busy/c/{action}", new { reason = "r" }, HttpStatusCode.Conflict);

        Assert.Contains("is completed, not blocked_hitl", Problem.Detail(problem), StringComparison.Ordinal);
        Assert.Equal("completed", (string)(await _api.GetJsonAsync("/workflows/busy/tasks/c"))["state"]!);
    }

    [Theory]
    [InlineData("/inbox/bad%20id/a/retry")]
    [InlineData("/inbox/wf/bad%24id/complete")]
    [InlineData("/inbox/decisions/bad%20id")]
    public async Task Decide_MalformedIds_Is422(string path)
    {
        var problem = path.Contains("decisions", StringComparison.Ordinal)
            ? await _api.GetJsonAsync(path, HttpStatusCode.UnprocessableEntity)
            : await _api.PostJsonAsync(path, new { reason = "r" }, HttpStatusCode.UnprocessableEntity);

        Assert.Contains("is not a valid id", Problem.Detail(problem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decision_Unknown_Is404()
    {
        var problem = await _api.GetJsonAsync("/inbox/decisions/hd-none", HttpStatusCode.NotFound);

        Assert.Contains("'hd-none'", Problem.Detail(problem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_TooLargeBody_Is413()
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions { Api = o => o.MaxRequestBodySize = 64 });

        await api.PostJsonAsync("/inbox/wf/a/complete", new { reason = new string('x', 100) }, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Decide_WorkflowNotRunHere_IsQueuedWith202()
    {
        var changes = new StateChanges();
        changes.Workflows.Add(new WorkflowRecord { WorkflowId = "elsewhere", Status = WorkflowStatus.Running, CreatedAt = DateTimeOffset.UnixEpoch, WorkRoot = "/tmp/elsewhere" });
        changes.Tasks.Add(new TaskRecord { WorkflowId = "elsewhere", TaskId = "a", Ordinal = 0, State = TaskState.BlockedHitl, AgentId = "echo" });
        await _api.Store.CommitAsync(changes, CancellationToken.None);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/inbox/elsewhere/a/complete") { Content = System.Net.Http.Json.JsonContent.Create(new { reason = "done elsewhere" }) };
        request.Headers.Add("X-Request-ID", "req-elsewhere");
        using var response = await _api.Client.SendAsync(request);
        var decision = await TestApi.ReadAsync(response, HttpStatusCode.Accepted);

        Assert.Equal(("pending", "req-elsewhere"), ((string)decision["status"]!, (string?)decision["correlation_id"]));
        Assert.Equal("req-elsewhere", (await _api.Store.GetDecisionAsync((string)decision["decision_id"]!, CancellationToken.None))!.CorrelationId);
        var listed = (await _api.GetJsonAsync("/inbox?workflow_id=elsewhere"))["items"]![0]!;
        Assert.Equal((string)decision["decision_id"]!, (string)listed["pending_decisions"]![0]!["decision_id"]!);
    }

    [Fact]
    public async Task Decide_AuthenticatedUser_IsTheActor()
    {
        await using var api = await StartAsync(app => app.Use((context, next) =>
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], "test"));
            return next(context);
        }));
        await BlockAsync(api, "signed");

        var decision = await api.PostJsonAsync("/inbox/signed/a/complete", new { reason = "I signed it" }, HttpStatusCode.OK);

        Assert.Equal("alice", (string)decision["actor"]!);
        var task = await api.GetJsonAsync("/workflows/signed/tasks/a");
        Assert.Equal("alice", (string)task["transitions"]!.AsArray()[^1]!["actor"]!);
    }

    [Fact]
    public async Task Decide_AuthenticatedUserNamedLikeTheEngine_Is400AndChangesNothing()
    {
        await using var api = await StartAsync(app => app.Use((context, next) =>
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "engine")], "test"));
            return next(context);
        }));
        await BlockAsync(api, "impostor");

        var problem = await api.PostJsonAsync("/inbox/impostor/a/complete", new { reason = "trust me" }, HttpStatusCode.BadRequest);

        Assert.Contains("'engine' is the engine's own name", Problem.Detail(problem), StringComparison.Ordinal);
        Assert.Equal("blocked_hitl", (string)(await api.GetJsonAsync("/workflows/impostor/tasks/a"))["state"]!);
    }
}

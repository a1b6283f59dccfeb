using System.Text.Json.Nodes;
using AgentManager.Tests.Inbox;
using AgentManager.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Tests.Events;

/// <summary>The <c>X-Request-ID</c> of the request that caused a change is the <c>correlation_id</c> of the change's
/// events, in the JSON history and on the Server-Sent Events stream (real Kestrel).</summary>
public sealed class CorrelationTests : IAsyncLifetime
{
    private TestApi _api = null!;

    public async Task InitializeAsync() => _api = await TestApi.StartAsync(new TestApiOptions
    {
        Kestrel = true,
        AgentManager = b => b.Services.Configure<AgentManagerOptions>(o => o.Repair.BlockForHuman = true),
    });

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task SendAsync(HttpMethod method, string path, object? body, string requestId, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Request-ID", requestId);
        if (body is not null)
        {
            request.Content = System.Net.Http.Json.JsonContent.Create(body);
        }

        using var response = await _api.Client.SendAsync(request);
        Assert.Equal(requestId, response.Headers.GetValues("X-Request-ID").Single());
        await TestApi.ReadAsync(response, expected);
    }

    private async Task<JsonArray> HistoryAsync(string workflowId) =>
        (await _api.GetJsonAsync($"/workflows/{workflowId}/events/history?limit=500"))["items"]!.AsArray();

    [Fact]
    public async Task Events_OfAWorkflowCreatedAndStartedByARequest_CarryItsRequestId_InHistoryAndStream()
    {
        await using var stream = await SseReader.OpenAsync(_api.Client, "/workflows/traced/events");

        await SendAsync(HttpMethod.Post, "/workflows", new { workflow_id = "traced", tasks = new object[] { new { task_id = "a", agent_id = "echo" }, new { task_id = "b", agent_id = "echo", dependencies = new[] { "a" } } }, start = true }, "req-create-1", HttpStatusCode.Created);
        var streamed = await stream.UntilAsync(e => e.Type == "workflow_completed");

        Assert.Contains(streamed, e => e.Type == "task_completed" && (string)e.Data["task_id"]! == "b");
        Assert.All(streamed, e => Assert.Equal("req-create-1", (string?)e.Data["correlation_id"]));
        var history = await HistoryAsync("traced");
        Assert.Equal(streamed.Count, history.Count);
        Assert.All(history, e => Assert.Equal("req-create-1", (string?)e!["correlation_id"]));
    }

    [Fact]
    public async Task Events_OfALaterCancel_CarryTheCancelRequestsId()
    {
        await SendAsync(HttpMethod.Post, "/workflows", new { workflow_id = "stopped", tasks = new object[] { new { task_id = "a", agent_id = "gated" }, new { task_id = "b", agent_id = "echo", dependencies = new[] { "a" } } }, start = true }, "req-start", HttpStatusCode.Created);
        await Poll.UntilAsync(async () => (string)(await _api.GetJsonAsync("/workflows/stopped/tasks/a"))["state"]! == "implementing", "'a' runs");
        var before = (await HistoryAsync("stopped")).Count;

        await SendAsync(HttpMethod.Post, "/workflows/stopped/cancel?reason=enough", null, "req-cancel", HttpStatusCode.OK);
        await Poll.UntilAsync(async () => (string)(await _api.GetJsonAsync("/workflows/stopped"))["status"]! == "cancelled", "the workflow is cancelled");

        var history = await HistoryAsync("stopped");
        Assert.All(history.Take(before), e => Assert.Equal("req-start", (string?)e!["correlation_id"]));
        var caused = history.Skip(before).ToArray();
        Assert.Contains(caused, e => (string)e!["type"]! == "workflow_cancelled");
        Assert.All(caused, e => Assert.Equal("req-cancel", (string?)e!["correlation_id"]));
    }

    [Fact]
    public async Task Events_OfAnInboxDecision_CarryTheDecisionRequestsId_OnTheStream()
    {
        await SendAsync(HttpMethod.Post, "/workflows", new { workflow_id = "decided", tasks = new object[] { new { task_id = "a", agent_id = "failing", max_attempts = 1 }, new { task_id = "b", agent_id = "echo", dependencies = new[] { "a" } } }, start = true }, "req-run", HttpStatusCode.Created);
        await InboxEndpointsTests.WaitForTaskAsync(_api, "decided", "a", "blocked_hitl");
        var lastId = (long)(await HistoryAsync("decided"))[^1]!["id"]!;
        await using var stream = await SseReader.OpenAsync(_api.Client, "/workflows/decided/events", lastEventId: lastId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await SendAsync(HttpMethod.Post, "/inbox/decided/a/complete", new { reason = "checked by hand" }, "req-decide", HttpStatusCode.OK);
        var caused = await stream.UntilAsync(e => e.Type == "workflow_completed");

        Assert.Contains(caused, e => e.Type == "task_completed" && (string)e.Data["task_id"]! == "a" && (string)e.Data["transition"]!["actor"]! == "api");
        Assert.Contains(caused, e => e.Type == "task_completed" && (string)e.Data["task_id"]! == "b");
        Assert.All(caused, e => Assert.Equal("req-decide", (string?)e.Data["correlation_id"]));
        Assert.All((await HistoryAsync("decided")).Where(e => (long)e!["id"]! <= lastId), e => Assert.Equal("req-run", (string?)e!["correlation_id"]));
    }
}

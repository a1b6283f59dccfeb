using System.Net.Http.Json;
using AgentManager.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Tests.Events;

/// <summary>Server-Sent Events on a real Kestrel: live task states, resume from Last-Event-ID, filters.</summary>
public sealed class EventStreamTests : IAsyncLifetime
{
    private TestApi _api = null!;

    public async Task InitializeAsync() => _api = await TestApi.StartAsync(new TestApiOptions { Kestrel = true, Api = o => o.EventStreamHeartbeat = TimeSpan.FromMilliseconds(200) });

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static object Task(string id, string agent = "echo", params string[] dependencies) => new { task_id = id, agent_id = agent, dependencies };

    private async Task RunAsync(string workflowId, params object[] tasks)
    {
        await _api.PostJsonAsync("/workflows", new { workflow_id = workflowId, tasks, start = true }, HttpStatusCode.Created);
        await Poll.UntilAsync(async () => (string)(await _api.GetJsonAsync($"/workflows/{workflowId}"))["status"]! == "completed", $"'{workflowId}' completes");
    }

    [Fact]
    public async Task Stream_ShowsTaskStatesChange_AsTheWorkflowRuns()
    {
        await using var stream = await SseReader.OpenAsync(_api.Client, "/workflows/live/events");
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType!.MediaType);

        await _api.PostJsonAsync("/workflows", new { workflow_id = "live", tasks = new[] { Task("slow", "gated"), Task("next", "echo", "slow") }, start = true }, HttpStatusCode.Created);
        var untilRunning = await stream.UntilAsync(e => e.Type == "task_started");
        _api.Services.GetRequiredService<Gates>().Open("live", "slow");
        var rest = await stream.UntilAsync(e => e.Type == "workflow_completed");

        Assert.Equal(["workflow_created", "workflow_started", "task_ready", "task_started"], untilRunning.Select(e => e.Type));
        Assert.Equal(("slow", "implementing"), ((string)untilRunning[^1].Data["task_id"]!, (string)untilRunning[^1].Data["transition"]!["to"]!));
        Assert.Contains(rest, e => e.Type == "task_completed" && (string)e.Data["task_id"]! == "next");
        var ids = untilRunning.Concat(rest).Select(e => long.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(untilRunning.Concat(rest), e => Assert.Equal(long.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture), (long)e.Data["id"]!));
    }

    [Fact]
    public async Task Stream_ResumesAfterLastEventId_WithoutGapsOrRepeats()
    {
        await RunAsync("done", Task("a"), Task("b", "echo", "a"));
        var history = (await _api.GetJsonAsync("/workflows/done/events/history"))["items"]!.AsArray();
        var ids = history.Select(e => (long)e!["id"]!).ToList();

        await using var stream = await SseReader.OpenAsync(_api.Client, "/workflows/done/events", lastEventId: ids[2].ToString(System.Globalization.CultureInfo.InvariantCulture));
        var resumed = await stream.UntilAsync(e => e.Type == "workflow_completed");

        Assert.Equal(ids.Skip(3), resumed.Select(e => long.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Stream_FromTheStart_FilteredByType()
    {
        await RunAsync("typed", Task("a"));

        await using var stream = await SseReader.OpenAsync(_api.Client, "/events?after=0&type=workflow_*&workflow_id=typed");
        var events = await stream.UntilAsync(e => e.Type == "workflow_completed");

        Assert.Equal(["workflow_created", "workflow_started", "workflow_completed"], events.Select(e => e.Type));
    }

    [Fact]
    public async Task Stream_EventsTheLogDoesNotKeep_AreLiveWithoutAnId()
    {
        await using var stream = await SseReader.OpenAsync(_api.Client, "/events?type=task_plan_*");

        await _api.PostJsonAsync("/task-plans", new { plan_id = "live-plan", items = Array.Empty<object>() }, HttpStatusCode.Created);
        var created = await stream.NextAsync();

        Assert.Equal("task_plan_created", created!.Type);
        Assert.Null(created.Id);
        Assert.Null(created.Data["id"]);
        Assert.Equal((1, "live-plan"), ((int)created.Data["plan_version"]!, (string)created.Data["workflow_id"]!));
    }

    [Fact]
    public async Task Stream_WhenIdle_SendsHeartbeatComments()
    {
        await using var stream = await SseReader.OpenAsync(_api.Client, "/events?type=workflow_completed");

        await Poll.UntilAsync(async () =>
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                await stream.NextAsync().WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
            }

            return stream.Comments.Contains("heartbeat");
        }, "a heartbeat arrives");
        Assert.Equal("connected", stream.Comments[0]);
    }

    [Theory]
    [InlineData("/events", "abc")]
    [InlineData("/events", "-1")]
    [InlineData("/events?type=task_*x", null)]
    [InlineData("/events?workflow_id=a%20b", null)]
    [InlineData("/workflows/a%20b/events", null)]
    [InlineData("/events?after=x", null)]
    public async Task Stream_MalformedRequest_Is422(string path, string? lastEventId)
    {
        using var response = await SseReader.RefusedAsync(_api.Client, path, lastEventId);

        await TestApi.ReadAsync(response, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Stream_EndsWhenTheHostStops()
    {
        await using var stream = await SseReader.OpenAsync(_api.Client, "/events");

        await _api.App.StopAsync();

        Assert.Null(await stream.NextAsync());
    }

    [Fact]
    public async Task Stream_NeedsTheBearerToken_WhenOneIsSet()
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions { Kestrel = true, Api = o => o.BearerToken = "t" });

        using var response = await SseReader.RefusedAsync(api.Client, "/events");

        await TestApi.ReadAsync(response, HttpStatusCode.Unauthorized);
    }
}

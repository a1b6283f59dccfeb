using AgentManager.Tests.Infrastructure;

namespace AgentManager.Tests.Events;

/// <summary>The paged JSON history of the event log.</summary>
public sealed class EventHistoryTests : IAsyncLifetime
{
    private TestApi _api = null!;

    public async Task InitializeAsync()
    {
        _api = await TestApi.StartAsync();
        foreach (var id in new[] { "w1", "w2" })
        {
            await _api.PostJsonAsync("/workflows", new { workflow_id = id, tasks = new[] { new { task_id = "a", agent_id = "echo" } }, start = true }, HttpStatusCode.Created);
            await Poll.UntilAsync(async () => (string)(await _api.GetJsonAsync($"/workflows/{id}"))["status"]! == "completed", $"'{id}' completes");
        }
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task History_PagesWithAfterAndLimit()
    {
        var all = (await _api.GetJsonAsync("/events/history"))["items"]!.AsArray();
        var first = await _api.GetJsonAsync("/events/history?limit=4");
        var next = await _api.GetJsonAsync($"/events/history?limit=4&after={(long)first["last_id"]!}");

        Assert.Equal(14, all.Count);
        Assert.Equal(all.Take(4).Select(e => (long)e!["id"]!), first["items"]!.AsArray().Select(e => (long)e!["id"]!));
        Assert.Equal(all.Skip(4).Take(4).Select(e => (long)e!["id"]!), next["items"]!.AsArray().Select(e => (long)e!["id"]!));
        var end = await _api.GetJsonAsync($"/events/history?after={(long)all[^1]!["id"]!}");
        Assert.Empty(end["items"]!.AsArray());
        Assert.Null(end["last_id"]);
    }

    [Fact]
    public async Task History_NewestFirst_FilteredByTypeAndWorkflow()
    {
        var newest = await _api.GetJsonAsync("/events/history?order=desc&limit=2&type=workflow_*,task_completed&workflow_id=w1");
        var workflow = await _api.GetJsonAsync("/workflows/w2/events/history?type=task_started");

        Assert.Equal(["workflow_completed", "task_completed"], newest["items"]!.AsArray().Select(e => (string)e!["type"]!));
        Assert.All(newest["items"]!.AsArray(), e => Assert.Equal("w1", (string)e!["workflow_id"]!));
        var started = Assert.Single(workflow["items"]!.AsArray())!;
        Assert.Equal(("w2", "a", "engine"), ((string)started["workflow_id"]!, (string)started["task_id"]!, (string)started["transition"]!["actor"]!));
    }

    [Theory]
    [InlineData("/events/history?order=sideways", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/events/history?type=*task", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/events/history?limit=0", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/events/history?before=-3", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/workflows/nope/events/history", HttpStatusCode.NotFound)]
    [InlineData("/workflows/no%20pe/events/history", HttpStatusCode.UnprocessableEntity)]
    public async Task History_MalformedOrUnknown_Is422Or404(string path, HttpStatusCode expected)
    {
        await _api.GetJsonAsync(path, expected);
    }
}

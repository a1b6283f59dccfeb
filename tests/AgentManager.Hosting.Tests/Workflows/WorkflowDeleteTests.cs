using AgentManager.Persistence.Checkpoints;
using AgentManager.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Tests.Workflows;

/// <summary><c>DELETE /workflows/{id}</c>: a finished workflow goes with its tasks, transitions, events, decisions
/// and checkpoints; an unfinished one stays (409); an unknown one is 404.</summary>
public sealed class WorkflowDeleteTests : IAsyncLifetime
{
    private readonly string _checkpoints = Path.Combine(Path.GetTempPath(), "agentmanager-hosting-tests", Guid.NewGuid().ToString("N"), "checkpoints");
    private TestApi _api = null!;

    public async Task InitializeAsync() => _api = await TestApi.StartAsync(new TestApiOptions
    {
        AgentManager = b => b.UseFileCheckpoints(o => o.RootDirectory = _checkpoints),
    });

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        if (Directory.Exists(_checkpoints))
        {
            Directory.Delete(_checkpoints, recursive: true);
        }
    }

    private async Task RunAsync(string workflowId, string agent = "echo")
    {
        await _api.PostJsonAsync("/workflows", new { workflow_id = workflowId, tasks = new object[] { new { task_id = "a", agent_id = agent }, new { task_id = "b", agent_id = "echo", dependencies = new[] { "a" } } }, start = true }, HttpStatusCode.Created);
    }

    private async Task WaitForStatusAsync(string workflowId, string status) =>
        await Poll.UntilAsync(async () => (string)(await _api.GetJsonAsync($"/workflows/{workflowId}"))["status"]! == status, $"'{workflowId}' is {status}");

    [Fact]
    public async Task Delete_Finished_RemovesItWithItsHistoryAndCheckpoints_AndKeepsTheOthers()
    {
        await RunAsync("gone");
        await RunAsync("kept");
        await WaitForStatusAsync("gone", "completed");
        await WaitForStatusAsync("kept", "completed");
        var checkpoints = _api.Services.GetRequiredService<ICheckpointStore>();
        Assert.NotEmpty(await checkpoints.ListAsync("gone", null, CancellationToken.None));

        using var response = await _api.Client.DeleteAsync("/workflows/gone");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await _api.GetJsonAsync("/workflows/gone", HttpStatusCode.NotFound);
        await _api.GetJsonAsync("/workflows/gone/transitions", HttpStatusCode.NotFound);
        await _api.GetJsonAsync("/workflows/gone/events/history", HttpStatusCode.NotFound);
        Assert.Empty((await _api.GetJsonAsync("/events/history?workflow_id=gone"))["items"]!.AsArray());
        Assert.Empty(await checkpoints.ListAsync("gone", null, CancellationToken.None));
        Assert.Equal(["kept"], (await _api.GetJsonAsync("/workflows"))["items"]!.AsArray().Select(w => (string)w!["workflow_id"]!));
        Assert.NotEmpty((await _api.GetJsonAsync("/workflows/kept/events/history"))["items"]!.AsArray());
        Assert.NotEmpty(await checkpoints.ListAsync("kept", null, CancellationToken.None));
        var again = await _api.SendRawAsync(HttpMethod.Delete, "/workflows/gone", null, HttpStatusCode.NotFound);
        Assert.Contains("'gone'", Problem.Detail(again), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_Running_Is409AndKeepsIt()
    {
        await RunAsync("busy", "gated");
        await Poll.UntilAsync(async () => (string)(await _api.GetJsonAsync("/workflows/busy/tasks/a"))["state"]! == "implementing", "'a' runs");

        var problem = await _api.SendRawAsync(HttpMethod.Delete, "/workflows/busy", null, HttpStatusCode.Conflict);

        Assert.Contains("'busy' is running", Problem.Detail(problem), StringComparison.Ordinal);
        _api.Services.GetRequiredService<Gates>().Open("busy", "a");
        await WaitForStatusAsync("busy", "completed");
        using var response = await _api.Client.DeleteAsync("/workflows/busy");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Delete_Created_Is409()
    {
        await _api.PostJsonAsync("/workflows", new { workflow_id = "waiting", tasks = new[] { new { task_id = "a", agent_id = "echo" } } }, HttpStatusCode.Created);

        var problem = await _api.SendRawAsync(HttpMethod.Delete, "/workflows/waiting", null, HttpStatusCode.Conflict);

        Assert.Contains("'waiting' is created", Problem.Detail(problem), StringComparison.Ordinal);
        Assert.Equal("created", (string)(await _api.GetJsonAsync("/workflows/waiting"))["status"]!);
    }

    [Theory]
    [InlineData("/workflows/never", HttpStatusCode.NotFound)]
    [InlineData("/workflows/bad%20id", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/workflows/adhoc", HttpStatusCode.Conflict)]
    public async Task Delete_UnknownMalformedOrTheAdhocWorkflow_IsRefused(string path, HttpStatusCode status)
    {
        await _api.SendRawAsync(HttpMethod.Delete, path, null, status);
    }
}

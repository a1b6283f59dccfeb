using System.Text.Json.Nodes;
using AgentManager.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Tests.Workflows;

/// <summary><c>POST /workflows/{id}/start</c> and <c>/cancel</c> on a host that does not run the workflow, with two
/// hosts on one SQLite file as behind a load balancer: the request is stored (202) and the host that runs the workflow
/// carries it out.</summary>
public sealed class RequestsAcrossHostsTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentmanager-hosting-tests", "cancel-" + Guid.NewGuid().ToString("N"));
    private TestApi _runner = null!;
    private TestApi _other = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _runner = await TestApi.StartAsync(Host());
        _other = await TestApi.StartAsync(Host());
    }

    public async Task DisposeAsync()
    {
        await _other.DisposeAsync();
        await _runner.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private TestApiOptions Host() => new() { AgentManager = b => b.UseSqliteStore(o => o.Path = Path.Combine(_directory, "state.db")) };

    [Fact]
    public async Task Cancel_OnTheHostThatDoesNotRunIt_Is202AndTheRunningHostCancelsIt()
    {
        await _runner.PostJsonAsync("/workflows", new { workflow_id = "w", tasks = new[] { new { task_id = "slow", prompt = "wait", agent_id = "gated" } }, start = true }, HttpStatusCode.Created);
        await Poll.UntilAsync(async () => (string)(await _runner.GetJsonAsync("/workflows/w"))["tasks"]![0]!["state"]! == "implementing", "the gated task runs");
        var owner = (string)(await _runner.GetJsonAsync("/workflows/w"))["lease"]!["owner"]!;

        var accepted = await _other.PostJsonAsync("/workflows/w/cancel?reason=moved%20to%20tomorrow", null, HttpStatusCode.Accepted);

        Assert.Equal(("running", owner), ((string)accepted["status"]!, (string)accepted["lease"]!["owner"]!));
        JsonNode cancelled = null!;
        await Poll.UntilAsync(async () => (string)(cancelled = await _other.GetJsonAsync("/workflows/w"))["status"]! == "cancelled", "the running host cancels it");
        Assert.Equal("moved to tomorrow", (string)cancelled["reason"]!);
        Assert.Equal("cancelled", (string)cancelled["tasks"]![0]!["state"]!);
        var again = await _other.PostJsonAsync("/workflows/w/cancel", null, HttpStatusCode.Conflict);
        Assert.Contains("already cancelled", Problem.Detail(again), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_OnTheHostThatDoesNotRunIt_Is202AndTheCreatingHostStartsIt()
    {
        await _runner.PostJsonAsync("/workflows", new { workflow_id = "later", tasks = new[] { new { task_id = "a", prompt = "do a", agent_id = "echo" } } }, HttpStatusCode.Created);

        var accepted = await _other.PostJsonAsync("/workflows/later/start", null, HttpStatusCode.Accepted);

        Assert.Equal("created", (string)accepted["status"]!);
        Assert.NotNull(accepted["lease"]);
        await Poll.UntilAsync(async () => (string)(await _other.GetJsonAsync("/workflows/later"))["status"]! == "completed", "the creating host starts and runs it");
        var again = await _other.PostJsonAsync("/workflows/later/start", null, HttpStatusCode.Conflict);
        Assert.Contains("already completed", Problem.Detail(again), StringComparison.Ordinal);
    }
}

using System.Text.Json.Nodes;
using AgentManager.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentManager.Tests.Workflows;

/// <summary><c>POST /workflows/{id}/start</c> and <c>/cancel</c> on a host that does not run the workflow, with two
/// hosts on one SQLite file as behind a load balancer: the request is stored (202, and shown under <c>requests</c>) and
/// the host that runs the workflow carries it out at its next poll. That host's clock is the test's, so that the poll
/// comes only when the test has read the 202.</summary>
public sealed class RequestsAcrossHostsTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentmanager-hosting-tests", "requests-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _runnerClock = new(DateTimeOffset.UtcNow);
    private TestApi _runner = null!;
    private TestApi _other = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _runner = await TestApi.StartAsync(Host(_runnerClock));
        _other = await TestApi.StartAsync(Host(TimeProvider.System));
    }

    public async Task DisposeAsync()
    {
        await _other.DisposeAsync();
        await _runner.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private TestApiOptions Host(TimeProvider clock) => new()
    {
        AgentManager = b => b.UseSqliteStore(o => o.Path = Path.Combine(_directory, "state.db")),
        Services = s => s.AddSingleton(clock),
    };

    /// <summary>Waits for the workflow's status on the other host while the runner's clock moves a poll interval at a time.</summary>
    private async Task<JsonNode> WaitForStatusAsync(string workflowId, string status)
    {
        JsonNode workflow = null!;
        await Poll.UntilAsync(
            async () =>
            {
                _runnerClock.Advance(TimeSpan.FromSeconds(1));
                return (string)(workflow = await _other.GetJsonAsync($"/workflows/{workflowId}"))["status"]! == status;
            },
            $"workflow '{workflowId}' is {status}");
        return workflow;
    }

    [Fact]
    public async Task Cancel_OnTheHostThatDoesNotRunIt_Is202AndTheRunningHostCancelsIt()
    {
        await _runner.PostJsonAsync("/workflows", new { workflow_id = "w", tasks = new[] { new { task_id = "slow", prompt = "wait", agent_id = "gated" } }, start = true }, HttpStatusCode.Created);
        await Poll.UntilAsync(async () => (string)(await _runner.GetJsonAsync("/workflows/w"))["tasks"]![0]!["state"]! == "implementing", "the gated task runs");
        var owner = (string)(await _runner.GetJsonAsync("/workflows/w"))["lease"]!["owner"]!;

        var accepted = await _other.PostJsonAsync("/workflows/w/cancel?reason=moved%20to%20tomorrow", null, HttpStatusCode.Accepted);

        Assert.Equal(("running", owner), ((string)accepted["status"]!, (string)accepted["lease"]!["owner"]!));
        var request = Assert.Single(accepted["requests"]!.AsArray())!;
        Assert.Equal(("cancel", "moved to tomorrow"), ((string)request["kind"]!, (string)request["reason"]!));
        Assert.NotEqual(owner, (string)request["requested_by"]!);
        var cancelled = await WaitForStatusAsync("w", "cancelled");
        Assert.Equal("moved to tomorrow", (string)cancelled["reason"]!);
        Assert.Equal("cancelled", (string)cancelled["tasks"]![0]!["state"]!);
        Assert.Empty(cancelled["requests"]!.AsArray());
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
        var request = Assert.Single(accepted["requests"]!.AsArray())!;
        Assert.Equal("start", (string)request["kind"]!);
        Assert.Null(request["reason"]);
        var completed = await WaitForStatusAsync("later", "completed");
        Assert.Empty(completed["requests"]!.AsArray());
        var again = await _other.PostJsonAsync("/workflows/later/start", null, HttpStatusCode.Conflict);
        Assert.Contains("already completed", Problem.Detail(again), StringComparison.Ordinal);
    }
}

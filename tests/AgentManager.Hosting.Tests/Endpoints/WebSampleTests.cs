using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentManager.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AgentManager.Tests.Endpoints;

/// <summary>The web sample serves the API on the embedded SQLite store and runs a confirmed plan with its demo agents.</summary>
public sealed class WebSampleTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("agentmanager-web-sample").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Sample_RunsAConfirmedPlan_AndKeepsItInTheSqliteFile()
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("AgentManager:DataDirectory", _data);
            web.UseSetting("AgentManager:Demo:StepSeconds", "0");
        });
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var item = new { id = "step", title = "Step", assignee = "worker", verification = "true" };

        (await client.PostAsJsonAsync("/task-plans", new { plan_id = "demo", items = new[] { item } })).EnsureSuccessStatusCode();
        (await client.PostAsync("/task-plans/demo/confirm", null)).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync("/workflows", new { plan_id = "demo", start = true })).EnsureSuccessStatusCode();

        await Poll.UntilAsync(async () => (string?)JsonNode.Parse(await client.GetStringAsync("/workflows/demo"))!["status"] == "completed", "the sample's workflow completes");
        Assert.True(File.Exists(Path.Combine(_data, "agentmanager.db")));
        using var root = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
    }
}

/// <summary>The web sample with a connection string keeps its state in PostgreSQL: a plan confirmed and run through one
/// instance is read, with its workflow, through a second instance on the same schema; both run schedules, and a schedule
/// of that plan defined through one of them fires and its run completes.</summary>
public sealed class WebSamplePostgresTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("agentmanager-web-sample").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private WebApplicationFactory<Program> Instance(string connectionString, bool schedules) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:agentmanager", connectionString);
            web.UseSetting("AgentManager:Schedules", schedules ? "true" : "false");
            web.UseSetting("AgentManager:DataDirectory", _data);
            web.UseSetting("AgentManager:Demo:StepSeconds", "0");
        });

    [Fact]
    public async Task Sample_WithAConnectionString_RunsOnPostgreSqlAndASecondInstanceSeesTheRun()
    {
        // The sample uses the default schema; a plan id of its own keeps a reused server's earlier runs apart.
        var connectionString = Adhoc.SharedPostgresServer.ConnectionString();
        var plan = "shared-" + Guid.NewGuid().ToString("N")[..8];
        await using var first = Instance(connectionString, schedules: true);
        await using var second = Instance(connectionString, schedules: true);
        using var client = first.CreateClient();
        using var other = second.CreateClient();
        var item = new { id = "step", title = "Step", assignee = "worker", verification = "true" };

        (await client.PostAsJsonAsync("/task-plans", new { plan_id = plan, items = new[] { item } })).EnsureSuccessStatusCode();
        (await other.PostAsync($"/task-plans/{plan}/confirm", null)).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync("/workflows", new { plan_id = plan, start = true })).EnsureSuccessStatusCode();

        await Poll.UntilAsync(async () => (string?)JsonNode.Parse(await other.GetStringAsync($"/workflows/{plan}"))!["status"] == "completed", "the run, read through the other instance");
        Assert.False(File.Exists(Path.Combine(_data, "agentmanager.db")));

        (await other.PostAsJsonAsync("/schedules", new { schedule_id = plan, interval_seconds = 1, plan_id = plan })).EnsureSuccessStatusCode();
        string? run = null;
        await Poll.UntilAsync(async () => (run = (string?)JsonNode.Parse(await client.GetStringAsync($"/schedules/{plan}"))!["last_workflow_id"]) is not null, "a firing of the schedule");
        await Poll.UntilAsync(
            async () =>
            {
                // A firing is recorded before its run's workflow is created, so the workflow may not exist yet.
                using var response = await client.GetAsync($"/workflows/{run}");
                return response.IsSuccessStatusCode && (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"] == "completed";
            },
            "the scheduled run");
        (await other.DeleteAsync($"/schedules/{plan}")).EnsureSuccessStatusCode();
        Assert.StartsWith(plan + "-", run, StringComparison.Ordinal);
    }
}

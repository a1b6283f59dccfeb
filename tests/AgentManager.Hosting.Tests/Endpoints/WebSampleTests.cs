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

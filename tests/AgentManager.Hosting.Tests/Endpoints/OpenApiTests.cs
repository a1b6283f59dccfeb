using AgentManager.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace AgentManager.Tests.Endpoints;

/// <summary>The OpenAPI document of the AgentManager endpoints.</summary>
public sealed class OpenApiTests
{
    [Fact]
    public async Task Document_DescribesTheEndpoints_WithSnakeCaseSchemas()
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions { Prefix = "/am", App = app => app.MapGet("/host-own", () => "not ours") });

        var document = await api.GetJsonAsync("/am/openapi/agentmanager.json");

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/am/tasks", paths);
        Assert.Contains("/am/task-plans/{id}/confirm", paths);
        Assert.Contains("/am/workflows/{id}", paths);
        Assert.DoesNotContain(paths, p => p.Contains("host-own", StringComparison.Ordinal));
        var text = document.ToJsonString();
        Assert.Contains("\"node_id\"", text, StringComparison.Ordinal);
        Assert.Contains("\"ready_tasks\"", text, StringComparison.Ordinal);
        Assert.NotNull(document["paths"]!["/am/tasks"]!["post"]!["requestBody"]);
    }
}

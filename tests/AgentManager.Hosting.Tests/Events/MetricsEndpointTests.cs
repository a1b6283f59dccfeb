using AgentManager.Tests.Infrastructure;

namespace AgentManager.Tests.Events;

/// <summary><c>GET /metrics</c>: the AgentManager meter in Prometheus text format.</summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_ShowTheAgentManagerCounters_InPrometheusText()
    {
        await using var api = await TestApi.StartAsync();
        await api.PostJsonAsync("/workflows", new { workflow_id = "m", tasks = new[] { new { task_id = "a", agent_id = "echo" } }, start = true }, HttpStatusCode.Created);
        await Poll.UntilAsync(async () => (string)(await api.GetJsonAsync("/workflows/m"))["status"]! == "completed", "the workflow completes");

        string text = "";
        await Poll.UntilAsync(async () =>
        {
            using var response = await api.Client.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Single(response.Headers.GetValues("X-Request-ID"));
            text = await response.Content.ReadAsStringAsync();
            return text.Contains("agentmanager_tasks_completed_total", StringComparison.Ordinal);
        }, "the completed counter is exported");

        Assert.Contains("# TYPE agentmanager_tasks_started_total counter", text, StringComparison.Ordinal);
        Assert.Contains("agentmanager_task_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("le=\"0.5\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_NeedTheBearerToken_WhenOneIsSet()
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions { Api = o => o.BearerToken = "t" });

        using var response = await api.Client.GetAsync("/metrics");

        await TestApi.ReadAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Metrics_UnderAPrefix()
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions { Prefix = "/am" });

        using var response = await api.Client.GetAsync("/am/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

using AgentManager.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Tests.Endpoints;

/// <summary><c>/health</c>, <c>/health/live</c> and <c>/health/ready</c>.</summary>
public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task Health_AnswersAsTheOriginal()
    {
        await using var api = await TestApi.StartAsync();

        var health = await api.GetJsonAsync("/health");

        Assert.Equal("ok", (string)health["status"]!);
        Assert.Matches(@"^\d+\.\d+\.\d+", (string)health["version"]!);
        Assert.True(DateTimeOffset.TryParse((string)health["timestamp"]!, System.Globalization.CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public async Task Probes_AreHealthy_WhenTheStoreAnswers()
    {
        await using var api = await TestApi.StartAsync();

        var live = await api.GetJsonAsync("/health/live");
        var ready = await api.GetJsonAsync("/health/ready");

        Assert.Equal("healthy", (string)live["status"]!);
        Assert.Equal("healthy", (string)ready["status"]!);
        Assert.Equal("The state store answers.", (string)ready["checks"]!["state_store"]!);
    }

    [Fact]
    public async Task Ready_Is503_WhenTheStoreCannotBeRead_WhileLiveStaysUp()
    {
        var notADatabase = Directory.CreateTempSubdirectory("agentmanager-not-a-db").FullName;
        await using var api = await TestApi.StartAsync(new TestApiOptions { AgentManager = b => b.UseSqliteStore(o => o.Path = notADatabase) });

        var ready = await api.GetJsonAsync("/health/ready", HttpStatusCode.ServiceUnavailable);
        await api.GetJsonAsync("/health/live");

        Assert.Equal("unhealthy", (string)ready["status"]!);
        Assert.StartsWith("The state store cannot be read:", (string)ready["checks"]!["state_store"]!, StringComparison.Ordinal);
        Directory.Delete(notADatabase, recursive: true);
    }
}

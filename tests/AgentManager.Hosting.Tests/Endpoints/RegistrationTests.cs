using AgentManager.Hosting;
using AgentManager.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentManager.Tests.Endpoints;

/// <summary><c>AddHosting()</c> and <c>MapAgentManager()</c>.</summary>
public sealed class RegistrationTests
{
    [Fact]
    public void MapAgentManager_WithoutAddHosting_ThrowsAClearError()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAgentManager();
        using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapAgentManager());

        Assert.Contains("AddHosting()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddHosting_CalledTwice_AddsOnlyTheConfiguration()
    {
        var once = new ServiceCollection();
        once.AddAgentManager().AddHosting();
        var twice = new ServiceCollection();
        twice.AddAgentManager().AddHosting().AddHosting(o => o.MaxPageSize = 10);

        Assert.Equal(once.Count + 1, twice.Count);
    }

    [Fact]
    public void Options_Defaults_AreAsDocumented()
    {
        var options = new AgentManagerApiOptions();

        Assert.Null(options.BearerToken);
        Assert.Equal(1024 * 1024, options.MaxRequestBodySize);
        Assert.Equal("adhoc", options.AdhocWorkflowId);
        Assert.Equal(TimeSpan.FromSeconds(15), options.EventStreamHeartbeat);
        Assert.Equal(500, options.MaxPageSize);
    }

    [Fact]
    public async Task Options_Invalid_FailTheHostAtStart_ListingEveryProblem()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApi.StartAsync(new TestApiOptions
        {
            Api = o =>
            {
                o.AdhocWorkflowId = "no spaces";
                o.MaxRequestBodySize = 0;
                o.EventStreamHeartbeat = TimeSpan.Zero;
                o.MaxPageSize = 0;
            },
        }));

        Assert.Equal(4, error.Failures.Count());
    }

    [Fact]
    public void Arguments_AreChecked()
    {
        Assert.Throws<ArgumentNullException>(() => HostingAgentManagerBuilderExtensions.AddHosting(null!));
        Assert.Throws<ArgumentNullException>(() => AgentManagerEndpointRouteBuilderExtensions.MapAgentManager(null!));
    }
}

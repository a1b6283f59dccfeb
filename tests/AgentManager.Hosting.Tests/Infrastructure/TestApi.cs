using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentManager.Hosting;
using AgentManager.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentManager.Tests.Infrastructure;

/// <summary>What a test host is made of: the API options, extra services, agents, configuration and the prefix.</summary>
internal sealed class TestApiOptions
{
    public Action<AgentManagerApiOptions>? Api { get; init; }

    public Action<IAgentManagerBuilder>? AgentManager { get; init; }

    public Action<IServiceCollection>? Services { get; init; }

    public Dictionary<string, string?> Configuration { get; init; } = [];

    public string Prefix { get; init; } = "";

    /// <summary>Gets what to map on the application besides the AgentManager API.</summary>
    public Action<WebApplication>? App { get; init; }

    /// <summary>Gets whether the catalog's <c>worker</c> agent waits at a gate like <c>gated</c> instead of echoing.</summary>
    public bool GatedWorker { get; init; }

    /// <summary>Gets whether to listen on a real Kestrel port (127.0.0.1, port 0) instead of the in-memory TestServer.</summary>
    public bool Kestrel { get; init; }
}

/// <summary>An ASP.NET Core host with <c>AddAgentManager().AddHosting()</c> and <c>MapAgentManager()</c> on the
/// in-memory store, with the test agents registered; one per test.</summary>
internal sealed class TestApi : IAsyncDisposable
{
    private TestApi(WebApplication app, HttpClient client)
    {
        App = app;
        Client = client;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    public IStateStore Store => Services.GetRequiredService<IStateStore>();

    public static async Task<TestApi> StartAsync(TestApiOptions? options = null)
    {
        options ??= new TestApiOptions();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(options.Configuration);
        if (options.Kestrel)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        var agentManager = builder.Services.AddAgentManager(o => o.WorkRoot = Path.Combine(Path.GetTempPath(), "agentmanager-hosting-tests", Guid.NewGuid().ToString("N")));
        TestAgents.Register(agentManager, options.GatedWorker);
        options.AgentManager?.Invoke(agentManager);
        agentManager.AddHosting(options.Api);
        options.Services?.Invoke(builder.Services);
        var app = builder.Build();
        options.App?.Invoke(app);
        app.MapAgentManager(options.Prefix);
        await app.StartAsync();
        var client = options.Kestrel
            ? new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) }
            : app.GetTestClient();
        return new TestApi(app, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    public async Task<JsonNode> GetJsonAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Client.GetAsync(path);
        return await ReadAsync(response, expected);
    }

    public async Task<JsonNode> PostJsonAsync(string path, object? body, HttpStatusCode expected)
    {
        using var response = body is null ? await Client.PostAsync(path, null) : await Client.PostAsJsonAsync(path, body);
        return await ReadAsync(response, expected);
    }

    public async Task<JsonNode> PutJsonAsync(string path, object body, HttpStatusCode expected)
    {
        using var response = await Client.PutAsJsonAsync(path, body);
        return await ReadAsync(response, expected);
    }

    public async Task<JsonNode> SendRawAsync(HttpMethod method, string path, string? json, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await Client.SendAsync(request);
        return await ReadAsync(response, expected);
    }

    /// <summary>Reads a JSON answer after checking its status; a problem answer is also checked for the problem
    /// shape: a sentence as detail, the request id, no stack trace.</summary>
    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected} but got {(int)response.StatusCode}: {text}");
        if (text.Length == 0)
        {
            return new JsonObject();
        }

        var json = JsonNode.Parse(text)!;
        if ((int)response.StatusCode >= 400 && response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            Problem.AssertShape(json, (int)expected, response);
        }

        return json;
    }

    public static string Json(object value) => JsonSerializer.Serialize(value);
}

using System.Net.Http.Headers;
using AgentManager.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Tests.Http;

/// <summary>What every endpoint does: the request id, security headers, the bearer token, and problem details
/// without stack traces.</summary>
public sealed class ApiFilterTests
{
    [Fact]
    public async Task RequestId_GivenByTheCaller_IsEchoed()
    {
        await using var api = await TestApi.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/status");
        request.Headers.Add("X-Request-ID", "trace-42.a:b");

        using var response = await api.Client.SendAsync(request);

        Assert.Equal("trace-42.a:b", response.Headers.GetValues("X-Request-ID").Single());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("has space")]
    [InlineData("line\u00e9break")]
    public async Task RequestId_MissingOrUnsafe_IsReplacedByAGeneratedOne(string? given)
    {
        await using var api = await TestApi.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/status");
        if (given is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Request-ID", given);
        }

        using var response = await api.Client.SendAsync(request);

        var id = response.Headers.GetValues("X-Request-ID").Single();
        Assert.NotEqual(given, id);
        Assert.Matches("^[0-9a-f]{32}$", id);
    }

    [Fact]
    public async Task RequestId_TooLong_IsReplaced()
    {
        await using var api = await TestApi.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/status");
        request.Headers.Add("X-Request-ID", new string('a', 129));

        using var response = await api.Client.SendAsync(request);

        Assert.Equal(32, response.Headers.GetValues("X-Request-ID").Single().Length);
    }

    [Fact]
    public async Task RequestId_IsInTheLogScope_OfWhatTheRequestLogs()
    {
        var logs = new ScopeCapturingLoggerProvider();
        await using var api = await TestApi.StartAsync(new TestApiOptions { Services = s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs) });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/tasks/nope");
        request.Headers.Add("X-Request-ID", "scoped-1");

        using var response = await api.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var refused = Assert.Single(logs.Entries, e => e.Message.StartsWith("Refused GET /tasks/nope with 404", StringComparison.Ordinal));
        Assert.Equal("scoped-1", refused.Scope["request_id"]);
        Assert.Equal("scoped-1", refused.Scope["correlation_id"]);
    }

    [Theory]
    [InlineData("/status")]
    [InlineData("/tasks/nope")]
    [InlineData("/health")]
    public async Task SecurityHeaders_AreOnEveryAnswer_ErrorsIncluded(string path)
    {
        await using var api = await TestApi.StartAsync();

        using var response = await api.Client.GetAsync(path);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BearerToken_Missing_Is401WithAChallengeAndAProblem()
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions { Api = o => o.BearerToken = "s3cret" });

        using var response = await api.Client.GetAsync("/status");

        var problem = await TestApi.ReadAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("Authorization: Bearer", Problem.Detail(problem), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer wrong")]
    [InlineData("Basic s3cret")]
    [InlineData("Bearer s3cret-and-more")]
    [InlineData("Bearer ")]
    public async Task BearerToken_Wrong_Is401(string authorization)
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions { Api = o => o.BearerToken = "s3cret" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/tasks") { Content = new StringContent("{}") };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await api.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await api.Store.ListWorkflowsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task BearerToken_FromConfiguration_IsRequired_AndTheRightOneIsAccepted()
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions { Configuration = { ["AgentManager:Api:BearerToken"] = "from-config" } });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/status");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "from-config");

        using var accepted = await api.Client.SendAsync(request);
        using var refused = await api.Client.GetAsync("/status");

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task BearerToken_HealthEndpointsStayOpen(string path)
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions { Api = o => o.BearerToken = "s3cret" });

        using var response = await api.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UnexpectedFailure_Is500_WithTheRequestIdAndNoStackTrace()
    {
        var notADatabase = Directory.CreateTempSubdirectory("agentmanager-not-a-db").FullName;
        await using var api = await TestApi.StartAsync(new TestApiOptions { AgentManager = b => b.UseSqliteStore(o => o.Path = notADatabase) });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/workflows");
        request.Headers.Add("X-Request-ID", "req-500");

        using var response = await api.Client.SendAsync(request);

        var problem = await TestApi.ReadAsync(response, HttpStatusCode.InternalServerError);
        Assert.Equal("The request failed on the server; the log has the details under request id 'req-500'.", Problem.Detail(problem));
        Directory.Delete(notADatabase, recursive: true);
    }

    [Fact]
    public async Task Prefix_ServesTheApiUnderIt()
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions { Prefix = "/agentmanager" });

        using var under = await api.Client.GetAsync("/agentmanager/status");
        using var root = await api.Client.GetAsync("/status");

        Assert.Equal(HttpStatusCode.OK, under.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
    }
}

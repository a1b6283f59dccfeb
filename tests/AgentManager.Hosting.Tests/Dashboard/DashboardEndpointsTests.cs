using AgentManager.Tests.Infrastructure;

namespace AgentManager.Tests.Dashboard;

/// <summary>The dashboard's files: served from the package, open without a token, nothing from another host.</summary>
public sealed class DashboardEndpointsTests
{
    [Fact]
    public async Task Dashboard_WithoutASlash_RedirectsUnderThePrefix()
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions { Prefix = "/am" });

        using var response = await api.Client.GetAsync("/am/dashboard");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/am/dashboard/", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/dashboard/", "text/html")]
    [InlineData("/dashboard/app.js", "text/javascript")]
    [InlineData("/dashboard/app.css", "text/css")]
    public async Task Files_AreServed_EvenWhenATokenIsRequired_AndLoadNothingFromOtherHosts(string path, string mediaType)
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions { Api = o => o.BearerToken = "t" });

        using var response = await api.Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(src|href)\s*=\s*[""']?(https?:)?//", text);
        Assert.DoesNotContain("fetch('http", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownFile_Is404()
    {
        await using var api = await TestApi.StartAsync();

        var problem = await api.GetJsonAsync("/dashboard/missing.js", HttpStatusCode.NotFound);

        Assert.Equal("The dashboard has no file 'missing.js'.", Problem.Detail(problem));
    }
}

using System.Text;
using AgentManager.Tests.Infrastructure;

namespace AgentManager.Tests.Http;

/// <summary>Request bodies: the size limit (413) and malformed JSON (422), with nothing changed.</summary>
public sealed class RequestBodyTests
{
    private static string TaskBody(int padding) =>
        TestApi.Json(new { node_id = "big", task_type = "t", metadata = new { padding = new string('x', padding) } });

    [Fact]
    public async Task Body_OverTheDefaultLimitOf1MiB_Is413_AndNothingIsStored()
    {
        await using var api = await TestApi.StartAsync();

        var problem = await api.SendRawAsync(HttpMethod.Post, "/tasks", TaskBody(1024 * 1024), HttpStatusCode.RequestEntityTooLarge);

        Assert.Contains("1048576 bytes", Problem.Detail(problem), StringComparison.Ordinal);
        Assert.Empty(await api.Store.ListWorkflowsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Body_UnderTheLimit_IsAccepted()
    {
        await using var api = await TestApi.StartAsync();

        await api.SendRawAsync(HttpMethod.Post, "/tasks", TaskBody(1000 * 1000), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Body_OverAConfiguredLimit_WithoutContentLength_Is413()
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions { Configuration = { ["AgentManager:Api:MaxRequestBodySize"] = "100" } });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/tasks")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(TaskBody(200)))),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await api.Client.SendAsync(request);

        var problem = await TestApi.ReadAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("100 bytes", Problem.Detail(problem), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"node_id\": ", null)]
    [InlineData("[1, 2]", null)]
    [InlineData("null", null)]
    [InlineData("", null)]
    [InlineData("{\"node_id\": 5, \"task_type\": \"t\"}", "$.node_id")]
    [InlineData("{\"node_id\": \"a\", \"task_type\": \"t\", \"dependencies\": \"a\"}", "$.dependencies")]
    public async Task Body_Malformed_Is422_NamingWhere(string body, string? path)
    {
        await using var api = await TestApi.StartAsync();

        var problem = await api.SendRawAsync(HttpMethod.Post, "/tasks", body, HttpStatusCode.UnprocessableEntity);

        if (path is not null)
        {
            Assert.Contains($"'{path}'", Problem.Detail(problem), StringComparison.Ordinal);
        }

        Assert.Empty(await api.Store.ListWorkflowsAsync(CancellationToken.None));
    }
}

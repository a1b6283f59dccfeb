using System.Text.Json.Nodes;

namespace AgentManager.Tests.Infrastructure;

/// <summary>Checks of RFC 7807 problem answers.</summary>
internal static class Problem
{
    public static void AssertShape(JsonNode problem, int status, HttpResponseMessage response)
    {
        Assert.Equal(status, (int)problem["status"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["title"]));
        var detail = (string)problem["detail"]!;
        Assert.EndsWith(".", detail.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain(" at AgentManager", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", detail, StringComparison.Ordinal);
        Assert.Equal(response.Headers.GetValues("X-Request-ID").Single(), (string?)problem["request_id"]);
    }

    public static string Detail(JsonNode problem) => (string)problem["detail"]!;
}

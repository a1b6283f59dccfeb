using System.Text.Json.Serialization.Metadata;

namespace AgentManager.Hosting.Endpoints;

/// <summary>JSON answers written with the API's source-generated contracts.</summary>
internal static class ApiResults
{
    public static IResult Ok<T>(T value, JsonTypeInfo<T> typeInfo) => Results.Json(value, typeInfo);

    public static IResult Created<T>(string location, T value, JsonTypeInfo<T> typeInfo) =>
        new CreatedJson<T>(location, value, typeInfo);

    private sealed class CreatedJson<T>(string location, T value, JsonTypeInfo<T> typeInfo) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return Results.Json(value, typeInfo, statusCode: StatusCodes.Status201Created).ExecuteAsync(httpContext);
        }
    }
}

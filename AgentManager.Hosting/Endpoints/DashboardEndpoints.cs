using System.Collections.Frozen;
using AgentManager.Hosting.Http;

namespace AgentManager.Hosting.Endpoints;

/// <summary><c>/dashboard</c>: the page and its script and style sheet, embedded in the package (no build step,
/// nothing loaded from another host). The page needs no token; its calls to the API carry the one it is given.</summary>
internal static class DashboardEndpoints
{
    private const string ResourcePrefix = "AgentManager.Hosting.Dashboard.";

    private static readonly FrozenDictionary<string, (byte[] Content, string ContentType)> Files = Load();

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/dashboard/{file?}", Serve).WithMetadata(new OpenEndpoint()).ExcludeFromDescription();
    }

    /// <summary>Serves a file; <c>/dashboard</c> redirects to <c>/dashboard/</c> so that the page's relative
    /// links resolve under it.</summary>
    private static IResult Serve(HttpContext context, string? file) => file is not null
        ? File(file)
        : context.Request.Path.Value!.EndsWith('/')
            ? File("index.html")
            : Results.Redirect($"{context.Request.PathBase}{context.Request.Path}/");

    private static IResult File(string name) => Files.TryGetValue(name, out var file)
        ? Results.Bytes(file.Content, file.ContentType)
        : throw new ApiException(StatusCodes.Status404NotFound, $"The dashboard has no file '{name}'.");

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(DashboardEndpoints).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[ResourcePrefix.Length..];
            files[name] = (copy.ToArray(), ContentTypeOf(name));
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    };
}

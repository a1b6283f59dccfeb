using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace AgentManager.Hosting.Http;

/// <summary>What every AgentManager request passes first: its request id is established, the security headers
/// are set, and the bearer token is checked (except on open endpoints).</summary>
internal sealed class ApiGate(IOptions<AgentManagerApiOptions> options)
{
    private readonly byte[]? _token = string.IsNullOrWhiteSpace(options.Value.BearerToken) ? null : Encoding.UTF8.GetBytes(options.Value.BearerToken.Trim());

    /// <summary>Admits a request, or gives the 401 answer that refuses it.</summary>
    public IResult? Admit(HttpContext context)
    {
        RequestId.Establish(context);
        SecurityHeaders.Apply(context.Response.Headers);
        if (_token is null || IsOpen(context) || HasToken(context.Request))
        {
            return null;
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.Result(context, StatusCodes.Status401Unauthorized, "This endpoint needs the header 'Authorization: Bearer <token>' with the configured AgentManager:Api:BearerToken.");
    }

    private static bool IsOpen(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<OpenEndpoint>() is not null;

    private bool HasToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var given = Encoding.UTF8.GetBytes(header[scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(given, _token);
    }
}

/// <summary>Marks an endpoint that needs no bearer token (the health probes).</summary>
internal sealed class OpenEndpoint;

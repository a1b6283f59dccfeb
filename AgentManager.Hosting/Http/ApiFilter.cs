using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentManager.Hosting.Http;

/// <summary>Runs around every AgentManager endpoint: the request id (taken or made, echoed, in the log scope),
/// security headers, the optional bearer token, and the translation of exceptions into problem details that
/// never carry a stack trace.</summary>
internal sealed partial class ApiFilter(IOptions<AgentManagerApiOptions> options, ILogger<ApiFilter> logger) : IEndpointFilter
{
    private readonly byte[]? _token = string.IsNullOrWhiteSpace(options.Value.BearerToken) ? null : Encoding.UTF8.GetBytes(options.Value.BearerToken.Trim());

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var requestId = RequestId.Establish(http);
        SecurityHeaders.Apply(http.Response.Headers);
        using var scope = logger.BeginScope(new KeyValuePair<string, object>[] { new("request_id", requestId) });
        if (_token is not null && !IsOpen(http) && !HasToken(http.Request))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Result(http, StatusCodes.Status401Unauthorized, "This endpoint needs the header 'Authorization: Bearer <token>' with the configured AgentManager:Api:BearerToken.");
        }

        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (Exception exception) when (!http.Response.HasStarted)
        {
            if (ExceptionProblems.Classify(exception) is { } known)
            {
                LogRefused(logger, known.Status, http.Request.Method, http.Request.Path, exception.Message);
                return Problems.Result(http, known.Status, Detail(exception), known.Errors);
            }

            LogFailed(logger, exception, http.Request.Method, http.Request.Path);
            return Problems.Result(http, StatusCodes.Status500InternalServerError, $"The request failed on the server; the log has the details under request id '{requestId}'.");
        }
    }

    private static bool IsOpen(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<OpenEndpoint>() is not null;

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

    private static string Detail(Exception exception) =>
        exception is ArgumentException argument ? ArgumentMessages.WithoutParameter(argument) : exception.Message;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Refused {Method} {Path} with {Status}: {Detail}")]
    private static partial void LogRefused(ILogger logger, int status, string method, PathString path, string detail);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, PathString path);
}

/// <summary>Marks an endpoint that needs no bearer token (the health probes).</summary>
internal sealed class OpenEndpoint;

using AgentManager.Diagnostics;
using Microsoft.Extensions.Logging;

namespace AgentManager.Hosting.Http;

/// <summary>Runs around every AgentManager endpoint: the request id (taken or made, echoed, in the log scope and
/// the ambient <see cref="CorrelationScope"/> that puts it on the events the request causes),
/// security headers and the optional bearer token (<see cref="ApiGate"/>), and the translation of exceptions into problem details that
/// never carry a stack trace.</summary>
internal sealed partial class ApiFilter(ApiGate gate, ILogger<ApiFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (gate.Admit(http) is { } refusal)
        {
            return refusal;
        }

        var requestId = RequestId.Of(http)!;
        using var scope = logger.BeginScope(new KeyValuePair<string, object>[] { new("request_id", requestId), new("correlation_id", requestId) });

        // The engine stamps the events this request causes with the request id (their correlation_id).
        using var correlation = CorrelationScope.Begin(requestId);
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
                if (exception is ApiException { RetryAfter: { } retryAfter })
                {
                    http.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                return Problems.Result(http, known.Status, Detail(exception), known.Errors);
            }

            LogFailed(logger, exception, http.Request.Method, http.Request.Path);
            return Problems.Result(http, StatusCodes.Status500InternalServerError, $"The request failed on the server; the log has the details under request id '{requestId}'.");
        }
    }

    private static string Detail(Exception exception) =>
        exception is ArgumentException argument ? ArgumentMessages.WithoutParameter(argument) : exception.Message;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Refused {Method} {Path} with {Status}: {Detail}")]
    private static partial void LogRefused(ILogger logger, int status, string method, PathString path, string detail);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, PathString path);
}

using AgentManager.Hosting.Contracts;
using Microsoft.AspNetCore.WebUtilities;

namespace AgentManager.Hosting.Http;

/// <summary>Writes RFC 7807 problem details: a title per status, the detail sentence, the request id and,
/// for validation failures, every offending field.</summary>
internal static class Problems
{
    public const string ContentType = "application/problem+json";

    public static IResult Result(HttpContext context, int status, string detail, IReadOnlyList<ProblemErrorView>? errors = null)
    {
        var view = new ProblemView(
            "about:blank",
            TitleOf(status),
            status,
            Sentence(detail),
            context.Request.Path.Value,
            RequestId.Of(context),
            errors);
        return Results.Json(view, ApiJson.Context.ProblemView, ContentType, status);
    }

    /// <summary>Makes a detail one sentence: a message that lists problems on further lines keeps its first
    /// line (the list is in <c>errors</c>), and a final full stop is added when missing.</summary>
    public static string Sentence(string detail)
    {
        var text = detail.Trim();
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        if (newline >= 0)
        {
            text = text[..newline].TrimEnd().TrimEnd(':') + "; each problem is listed in 'errors'";
        }

        return text.Length > 0 && text[^1] is '.' or '!' or '?' ? text : text + ".";
    }

    /// <summary>The title of an <c>about:blank</c> problem is the status's reason phrase (RFC 7807).</summary>
    public static string TitleOf(int status) => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
}

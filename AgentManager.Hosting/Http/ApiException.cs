using AgentManager.Hosting.Contracts;

namespace AgentManager.Hosting.Http;

/// <summary>A request the HTTP layer refuses before it reaches the engine: malformed (422), too large (413),
/// unauthenticated (401), or a conflict only the API knows of; its message is the problem's detail.</summary>
internal sealed class ApiException : Exception
{
    public ApiException(int status, string detail, IReadOnlyList<ProblemErrorView>? errors = null)
        : base(detail)
    {
        Status = status;
        Errors = errors;
    }

    public int Status { get; }

    public IReadOnlyList<ProblemErrorView>? Errors { get; }

    /// <summary>Gets when the client may try again (the <c>Retry-After</c> header), for a refusal that passes.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static ApiException Malformed(string detail, IReadOnlyList<ProblemErrorView>? errors = null) =>
        new(StatusCodes.Status422UnprocessableEntity, detail, errors);
}

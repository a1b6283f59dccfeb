namespace AgentManager.Hosting.Http;

/// <summary>The <c>X-Request-ID</c> of a request: the caller's when it is a sensible token, otherwise a new
/// one; echoed on the response, put in log scopes and in the correlation id of the events the request causes.</summary>
internal static class RequestId
{
    public const string HeaderName = "X-Request-ID";
    private const int MaxLength = 128;
    private static readonly object ItemKey = new();

    /// <summary>Takes the caller's id or makes one, remembers it for the request and echoes it.</summary>
    public static string Establish(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var known) && known is string existing)
        {
            return existing;
        }

        var given = context.Request.Headers[HeaderName].ToString();
        var id = IsAcceptable(given) ? given : Guid.NewGuid().ToString("N");
        context.Items[ItemKey] = id;
        context.Response.Headers[HeaderName] = id;
        return id;
    }

    /// <summary>Gets the request's id, or <see langword="null"/> before it was established.</summary>
    public static string? Of(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var id) ? id as string : null;

    /// <summary>A caller's id is kept when it is 1 to 128 visible ASCII characters without spaces, so it cannot
    /// forge log lines or headers.</summary>
    internal static bool IsAcceptable(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}

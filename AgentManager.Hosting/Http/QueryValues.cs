using System.Globalization;

namespace AgentManager.Hosting.Http;

/// <summary>Reads query string values, refusing a malformed one with 422 that names the parameter.</summary>
internal static class QueryValues
{
    public static string? String(HttpRequest request, string name)
    {
        var value = request.Query[name];
        return value.Count == 0 || string.IsNullOrEmpty(value[0]) ? null : value[0];
    }

    public static long? Long(HttpRequest request, string name, long min = 0)
    {
        var text = String(request, name);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min
            ? value
            : throw ApiException.Malformed($"Query parameter '{name}' is '{text}'; it must be a whole number of at least {min}.");
    }

    public static int? Int(HttpRequest request, string name, int min = 0)
    {
        var value = Long(request, name, min);
        return value is null ? null : value <= int.MaxValue ? (int)value : throw ApiException.Malformed($"Query parameter '{name}' is too large.");
    }

    /// <summary>Reads <c>limit</c> (default 50, capped by the options) and <c>offset</c> (default 0).</summary>
    public static (int Limit, int Offset) Page(HttpRequest request, int maxPageSize) =>
        (Math.Min(Int(request, "limit", 1) ?? 50, maxPageSize), Int(request, "offset") ?? 0);

    /// <summary>Reads an optional id-valued parameter, which must be a valid id.</summary>
    public static string? Id(HttpRequest request, string name)
    {
        var value = String(request, name);
        return value is null ? null : ApiIds.Require(value, $"query parameter '{name}'");
    }
}

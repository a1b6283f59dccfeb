namespace AgentManager.Hosting.Http;

/// <summary>Checks ids from paths, queries and bodies: they match <see cref="Ids.Pattern"/> or the request is
/// malformed (422).</summary>
internal static class ApiIds
{
    public static string Require(string? value, string what) => Ids.IsValid(value)
        ? value!
        : throw ApiException.Malformed(value is null
            ? $"The {what} is required; ids match {Ids.Pattern}."
            : $"The {what} '{value}' is not a valid id: ids are 1 to {Ids.MaxLength} characters matching {Ids.Pattern}.");
}

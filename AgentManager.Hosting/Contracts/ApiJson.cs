using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace AgentManager.Hosting.Contracts;

/// <summary>The API's JSON contracts with an encoder that leaves quotes and symbols readable (responses are
/// JSON documents, never embedded in HTML).</summary>
internal static class ApiJson
{
    public static ApiJsonContext Context { get; } = new(new JsonSerializerOptions(ApiJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>Gets a resolver of the API's contracts for other serializer options (the host's, which the
    /// OpenAPI document is made with): it keeps the snake_case names whatever the host's naming policy.</summary>
    public static IJsonTypeInfoResolver SnakeCaseResolver { get; } = ApiJsonContext.Default.WithAddedModifier(typeInfo =>
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object || typeInfo.Type.Assembly != typeof(ApiJson).Assembly)
        {
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            var clrName = (property.AttributeProvider as MemberInfo)?.Name ?? property.Name;
            property.Name = JsonNamingPolicy.SnakeCaseLower.ConvertName(clrName);
        }
    });
}

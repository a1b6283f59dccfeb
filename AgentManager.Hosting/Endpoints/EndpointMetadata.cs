using AgentManager.Hosting.Contracts;
using Microsoft.OpenApi;

namespace AgentManager.Hosting.Endpoints;

/// <summary>OpenAPI metadata shared by the endpoints.</summary>
internal static class EndpointMetadata
{
    /// <summary>Declares the problem responses an endpoint can give.</summary>
    public static RouteHandlerBuilder Problems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.Produces<ProblemView>(status, Http.Problems.ContentType);
        }

        return builder;
    }

    /// <summary>Documents the JSON body an endpoint reads itself. Unlike <c>Accepts&lt;T&gt;()</c> it adds no
    /// content-type constraint to routing, so every request reaches the API's own checks (and its problem details).</summary>
    public static RouteHandlerBuilder JsonRequest<T>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken).ConfigureAwait(false);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { ["application/json"] = new() { Schema = schema } },
            };
        });
}

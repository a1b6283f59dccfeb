using AgentManager.Hosting.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Hosting.Endpoints;

/// <summary><c>GET /metrics</c>: the <c>AgentManager</c> meter in Prometheus text format, written by the
/// OpenTelemetry Prometheus exporter; its branch passes the same <see cref="ApiGate"/> as every endpoint.</summary>
internal static class MetricsEndpoint
{
    public static void Map(RouteGroupBuilder group) =>
        group.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            if (context.RequestServices.GetRequiredService<ApiGate>().Admit(context) is { } refusal)
            {
                await refusal.ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        }), optionsName: null).WithTags("Status").WithDisplayName("Prometheus metrics");
}

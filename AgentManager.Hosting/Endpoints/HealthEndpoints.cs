using System.Reflection;
using AgentManager.Hosting.Contracts;
using AgentManager.Hosting.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgentManager.Hosting.Endpoints;

/// <summary><c>/health</c> (the original's), <c>/health/live</c> and <c>/health/ready</c> (the state store
/// answers); open even when a bearer token is required.</summary>
internal static class HealthEndpoints
{
    public const string ReadyTag = "agentmanager-ready";

    private static readonly string Version =
        typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static void Map(RouteGroupBuilder group)
    {
        var health = group.MapGroup("/health").WithMetadata(new OpenEndpoint()).WithTags("Health");
        health.MapGet("", ([FromServices] TimeProvider time) => ApiResults.Ok(new HealthView("ok", Version, time.GetUtcNow()), ApiJson.Context.HealthView))
            .WithSummary("Health check, as the original service answered it.").Produces<HealthView>();
        health.MapGet("/live", () => ApiResults.Ok(new ProbeView("healthy", new Dictionary<string, string>()), ApiJson.Context.ProbeView))
            .WithSummary("Liveness: the process answers.").Produces<ProbeView>();
        health.MapGet("/ready", ReadyAsync)
            .WithSummary("Readiness: the state store answers.").Produces<ProbeView>().Produces<ProbeView>(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> ReadyAsync(HttpContext context, [FromServices] HealthCheckService checks)
    {
        var report = await checks.CheckHealthAsync(r => r.Tags.Contains(ReadyTag), context.RequestAborted).ConfigureAwait(false);
        var view = new ProbeView(
            report.Status.ToString().ToLowerInvariant(),
            report.Entries.ToDictionary(e => e.Key, e => e.Value.Description ?? e.Value.Status.ToString().ToLowerInvariant(), StringComparer.Ordinal));
        return Results.Json(view, ApiJson.Context.ProbeView, statusCode: report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }
}

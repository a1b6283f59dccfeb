using AgentManager.Hosting.Endpoints;
using AgentManager.Hosting.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the AgentManager HTTP API.</summary>
public static class AgentManagerEndpointRouteBuilderExtensions
{
    /// <summary>Maps the AgentManager API under <paramref name="prefix"/>: the original service's endpoints
    /// (<c>/health</c>, <c>/status</c>, <c>/tasks</c>, <c>/task-plans</c>, <c>/metrics</c>), workflows, events
    /// (Server-Sent Events and history), agents and templates, the human inbox, schedules, health probes, the OpenAPI document and the
    /// dashboard. Every response carries <c>X-Request-ID</c> and security headers; errors are problem details.</summary>
    /// <param name="endpoints">The application's endpoint builder.</param>
    /// <param name="prefix">The path the API lives under, for example <c>/agentmanager</c>; the default is the root.</param>
    /// <returns>The route group of every AgentManager endpoint, for further conventions (for example
    /// <c>RequireAuthorization()</c>).</returns>
    /// <exception cref="InvalidOperationException"><c>AddAgentManager().AddHosting()</c> was not called.</exception>
    public static RouteGroupBuilder MapAgentManager(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        if (endpoints.ServiceProvider.GetService<HostingMarker>() is null)
        {
            throw new InvalidOperationException("MapAgentManager() needs the AgentManager API services: call services.AddAgentManager().AddHosting() first.");
        }

        var group = endpoints.MapGroup(prefix).WithGroupName(HostingAgentManagerBuilderExtensions.OpenApiDocumentName);
        group.AddEndpointFilter<ApiFilter>();
        HealthEndpoints.Map(group);
        StatusEndpoints.Map(group);
        AdhocTaskEndpoints.Map(group);
        PlanEndpoints.Map(group);
        WorkflowEndpoints.Map(group);
        EventEndpoints.Map(group);
        MetricsEndpoint.Map(group);
        DashboardEndpoints.Map(group);
        AgentEndpoints.Map(group);
        InboxEndpoints.Map(group);
        ScheduleEndpoints.Map(group);
        group.MapOpenApi("/openapi/{documentName}.json");
        return group;
    }
}

using AgentManager.Diagnostics;
using AgentManager.Hosting;
using AgentManager.Hosting.Adhoc;
using AgentManager.Hosting.Contracts;
using AgentManager.Hosting.Endpoints;
using AgentManager.Hosting.Events;
using AgentManager.Hosting.Http;
using AgentManager.Hosting.Schedules;
using AgentManager.Schedules;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the AgentManager HTTP API; map it with <c>app.MapAgentManager()</c>.</summary>
public static class HostingAgentManagerBuilderExtensions
{
    /// <summary>The OpenAPI document of the AgentManager endpoints, served at <c>{prefix}/openapi/agentmanager.json</c>.</summary>
    public const string OpenApiDocumentName = "agentmanager";

    // Task attempts last from a fraction of a second to hours; the SDK's default buckets are meant for milliseconds.
    private static readonly double[] TaskDurationBuckets = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200];

    /// <summary>Registers what <c>MapAgentManager()</c> needs: the API options (bound from
    /// <c>AgentManager:Api</c>, then <paramref name="configure"/>, checked at start), the ad-hoc task board, a readiness
    /// check of the state store, the OpenTelemetry meter provider with the Prometheus exporter for the
    /// <c>AgentManager</c> meter, and the OpenAPI document. Calling it again only adds the configuration.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the options after configuration is bound.</param>
    /// <returns>The builder.</returns>
    public static IAgentManagerBuilder AddHosting(this IAgentManagerBuilder builder, Action<AgentManagerApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(HostingMarker)))
        {
            services.AddSingleton<HostingMarker>();
            services.AddOptions<AgentManagerApiOptions>().BindConfiguration(AgentManagerApiOptions.ConfigurationSection).ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentManagerApiOptions>, AgentManagerApiOptionsValidator>());
            services.TryAddSingleton<AdhocTaskBoard>();
            services.TryAddSingleton<EventStream>();
            services.TryAddSingleton<ApiGate>();
            services.TryAddSingleton<ApiSchedules>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<ScheduleOptions>, ApiScheduleOptionsSetup>());
            services.AddHealthChecks().AddCheck<StateStoreHealthCheck>("state_store", tags: [HealthEndpoints.ReadyTag], timeout: TimeSpan.FromSeconds(10));
            services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(AgentManagerDiagnostics.MeterName)
                .AddView(AgentManagerDiagnostics.TaskDuration, new ExplicitBucketHistogramConfiguration { Boundaries = TaskDurationBuckets })
                .AddPrometheusExporter());
            services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.SnakeCaseResolver));
            services.AddOpenApi(OpenApiDocumentName, o => o.ShouldInclude = d => d.GroupName == OpenApiDocumentName);
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }
}

/// <summary>Marks that <c>AddHosting</c> ran, for idempotence and for <c>MapAgentManager</c>'s check.</summary>
internal sealed class HostingMarker;

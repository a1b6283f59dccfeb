using AgentManager.Events;
using AgentManager.Storage.Redis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Redis Streams event transport.</summary>
public static class RedisStreamsAgentManagerBuilderExtensions
{
    private static readonly Func<IServiceProvider, object> HostedService = sp => sp.GetRequiredService<RedisStreamsService>();

    /// <summary>Carries events between nodes on a Redis stream: each event published on this node's
    /// <see cref="IEventBus"/> is added to the stream, and the events the other nodes add are published on this node's
    /// bus (once per node, acknowledged after the local publish, delivered again after a crash; see
    /// <see cref="RedisStreamsOptions"/>). The transport runs as a hosted service that starts before the engine and stops
    /// after it. A Redis outage is logged and retried; it never stops the host. Calling it again replaces the settings.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the connection, the stream, the node id and the delivery limits. With no
    /// <see cref="RedisStreamsOptions.Configuration"/>, the transport uses the <see cref="IConnectionMultiplexer"/>
    /// registered in the service provider.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and the rule.</exception>
    public static IAgentManagerBuilder UseRedisStreams(this IAgentManagerBuilder builder, Action<RedisStreamsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new RedisStreamsOptions();
        configure(options);
        options.Validate();

        var services = builder.Services;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(RedisStreamsService)
                || (services[i].ServiceType == typeof(IHostedService) && services[i].ImplementationFactory == HostedService))
            {
                services.RemoveAt(i);
            }
        }

        services.AddSingleton(sp => new RedisStreamsService(
            options,
            sp.GetRequiredService<IEventBus>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILogger<RedisStreamsService>>() ?? Logging.Abstractions.NullLogger<RedisStreamsService>.Instance,
            options.Configuration is null
                ? sp.GetService<IConnectionMultiplexer>() ?? throw new InvalidOperationException(
                    "UseRedisStreams() was given no RedisStreamsOptions.Configuration, and the service provider has no IConnectionMultiplexer; set the configuration string, or register a multiplexer.")
                : null));

        // Before every other hosted service, the engine's among them: started first, stopped last.
        var first = 0;
        while (first < services.Count && services[first].ServiceType != typeof(IHostedService))
        {
            first++;
        }

        services.Insert(first, ServiceDescriptor.Singleton(typeof(IHostedService), HostedService));
        return builder;
    }
}

using System.Collections.Concurrent;
using AgentManager.Events;
using AgentManager.Tests.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentManager.Storage.Redis.Tests;

/// <summary>One node: its own service provider, engine and event bus, with the Redis Streams transport, its hosted
/// services started as a host would; records every event its bus publishes.</summary>
internal sealed class RedisNode : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly ServiceProvider _provider;
    private readonly List<IHostedService> _hosted;
    private readonly IAsyncDisposable _recording;
    private bool _stopped;

    private RedisNode(ServiceProvider provider, LogRecorder logs)
    {
        _provider = provider;
        Logs = logs;
        Bus = provider.GetRequiredService<IEventBus>();
        _hosted = [.. provider.GetServices<IHostedService>()];
        _recording = Bus.Subscribe(EventFilter.All, (e, _) =>
        {
            Seen.Enqueue(e);
            return ValueTask.CompletedTask;
        });
    }

    public IEventBus Bus { get; }

    public IServiceProvider Services => _provider;

    public LogRecorder Logs { get; }

    /// <summary>Every event published on this node's bus, its own and the received ones, in order.</summary>
    public ConcurrentQueue<AgentManagerEvent> Seen { get; } = new();

    internal RedisStreamsService Transport => _provider.GetRequiredService<RedisStreamsService>();

    public static async Task<RedisNode> StartAsync(
        Action<RedisStreamsOptions> configure,
        Action<IServiceCollection>? services = null,
        Action<AgentManagerOptions>? agentManager = null,
        bool waitUntilReady = true)
    {
        var node = Create(configure, services, agentManager);
        foreach (var hosted in node._hosted)
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        if (waitUntilReady)
        {
            await node.Transport.Ready.WaitAsync(Patience);
        }

        return node;
    }

    public static RedisNode Create(Action<RedisStreamsOptions> configure, Action<IServiceCollection>? services = null, Action<AgentManagerOptions>? agentManager = null)
    {
        var collection = new ServiceCollection();
        var logs = new LogRecorder();
        collection.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        services?.Invoke(collection);
        collection.AddAgentManager(o =>
            {
                o.WorkRoot = Path.Combine(Path.GetTempPath(), "agentmanager-tests", Guid.NewGuid().ToString("N"));
                agentManager?.Invoke(o);
            })
            .AddAgent("agent", EngineFixture.NoOp)
            .UseRedisStreams(configure);
        return new RedisNode(collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }), logs);
    }

    /// <summary>Waits until this node's bus has published an event that matches.</summary>
    public async Task<AgentManagerEvent> WaitForAsync(Func<AgentManagerEvent, bool> match)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var found = Seen.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"No matching event within {Patience}; seen: {string.Join(", ", Seen.Select(e => e.Type + "/" + e.WorkflowId))}");
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }

    public Task StopAsync() => StopAsync(CancellationToken.None);

    /// <summary>Stops the hosted services in reverse order, as a host does; <paramref name="transportStop"/> is the
    /// shutdown timeout given to the transport (the others get none, so that a slow engine stop fails nothing).</summary>
    public async Task StopAsync(CancellationToken transportStop)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        for (var i = _hosted.Count - 1; i >= 0; i--)
        {
            await _hosted[i].StopAsync(_hosted[i] is RedisStreamsService ? transportStop : CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _recording.DisposeAsync();
        await _provider.DisposeAsync();
    }
}

/// <summary>Keeps every log entry written through the providers it is added to.</summary>
internal sealed class LogRecorder : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, EventId Id, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogRecorder owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((category, logLevel, eventId, formatter(state, exception)));
    }
}

/// <summary>Looks at a stream through the test's own connection.</summary>
internal static class StreamProbe
{
    public static async Task<long> PendingAsync(IDatabase database, string stream, string group) =>
        (await database.StreamPendingAsync(stream, group)).PendingMessageCount;

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(RedisNode.Patience);
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"Not within {RedisNode.Patience}: {what}");
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }
}

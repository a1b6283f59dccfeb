using System.Collections.Concurrent;
using AgentManager.Events;
using AgentManager.Hooks;
using AgentManager.Tests.Events;

namespace AgentManager.Tests.Hooks;

/// <summary>Hooks as shell scripts; the tests, not the runner, choose sh.</summary>
internal static class HookTestKit
{
    public const string Shell = "/bin/sh";

    public static HookDefinition Sh(
        string name,
        HookPoint point,
        string script,
        bool allowFailure = false,
        TimeSpan? timeout = null,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null,
        bool enabled = true) => new()
    {
        Name = name,
        Point = point,
        Command = [Shell, "-c", script],
        AllowFailure = allowFailure,
        Timeout = timeout ?? HookDefinition.DefaultTimeout,
        WorkingDirectory = workingDirectory,
        Environment = environment ?? new Dictionary<string, string>(),
        Enabled = enabled,
    };

    public static Dictionary<string, string> NoContext() => new(StringComparer.Ordinal);
}

/// <summary>A real event bus that records every event it delivers, and waits until all published ones are.</summary>
internal sealed class RecordingBus : IAsyncDisposable
{
    private readonly ConcurrentQueue<AgentManagerEvent> _events = new();
    private readonly IAsyncDisposable _subscription;

    public RecordingBus()
    {
        _subscription = Bus.Subscribe(EventFilter.All, (@event, _) =>
        {
            _events.Enqueue(@event);
            return ValueTask.CompletedTask;
        });
    }

    public EventBus Bus { get; } = new(subscriberCapacity: 1024);

    /// <summary>Gets every event published so far, once each has been delivered.</summary>
    public async Task<IReadOnlyList<AgentManagerEvent>> DeliveredAsync()
    {
        using var patience = new CancellationTokenSource(EventTestKit.Patience);
        while (_events.Count < Bus.PublishedCount)
        {
            await Task.Delay(5, patience.Token);
        }

        return [.. _events];
    }

    public async ValueTask DisposeAsync()
    {
        await _subscription.DisposeAsync();
        await Bus.DisposeAsync();
    }
}

/// <summary>A hook runner over real processes, with its bus and a clock.</summary>
internal sealed class HookHarness : IAsyncDisposable
{
    public HookHarness(HookOptions options, TimeProvider? time = null)
    {
        Options = options;
        Runner = new HookRunner(Microsoft.Extensions.Options.Options.Create(options), Events.Bus, time ?? TimeProvider.System);
    }

    public HookHarness(params HookDefinition[] hooks)
        : this(Enabled(hooks))
    {
    }

    public HookOptions Options { get; }

    public RecordingBus Events { get; } = new();

    public HookRunner Runner { get; }

    public static HookOptions Enabled(params HookDefinition[] hooks)
    {
        var options = new HookOptions { Enabled = true };
        foreach (var hook in hooks)
        {
            options.Hooks.Add(hook);
        }

        return options;
    }

    public ValueTask<HookRunResult> RunAsync(HookPoint point, IReadOnlyDictionary<string, string>? context = null, CancellationToken cancellationToken = default) =>
        Runner.RunAsync(point, "wf-1", context ?? HookTestKit.NoContext(), cancellationToken);

    public ValueTask DisposeAsync() => Events.DisposeAsync();
}

using System.Collections.Concurrent;
using AgentManager.Events;
using Microsoft.Extensions.Logging;

namespace AgentManager.Tests.Events;

/// <summary>A test event that carries a number, to check order and counts.</summary>
internal sealed record NumberedEvent(int Number, string Workflow = "wf-1") : AgentManagerEvent("numbered", Workflow, EventTestKit.Epoch);

internal static class EventTestKit
{
    public static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A safety net against hangs only; no assertion depends on timing.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
}

/// <summary>Collects the events a handler receives and signals when it has seen enough.</summary>
internal sealed class Recorder
{
    private readonly ConcurrentQueue<AgentManagerEvent> _events = new();
    private readonly int _expected;
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Recorder(int expected = int.MaxValue)
    {
        _expected = expected;
    }

    public IReadOnlyList<AgentManagerEvent> Events => [.. _events];

    public ValueTask Handle(AgentManagerEvent @event, CancellationToken cancellationToken)
    {
        _events.Enqueue(@event);
        if (_events.Count >= _expected)
        {
            _reached.TrySetResult();
        }

        return ValueTask.CompletedTask;
    }

    public Task WaitAsync() => _reached.Task.WaitAsync(EventTestKit.Patience);
}

/// <summary>A handler that blocks on every event until released, and says when it has entered.
/// Disposing releases it, so that a failed assertion cannot leave a bus draining forever.</summary>
internal sealed class GatedHandler : IDisposable
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public async ValueTask Handle(AgentManagerEvent @event, CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        await _gate.Task;
        Interlocked.Increment(ref _count);
    }

    public Task Entered => _entered.Task.WaitAsync(EventTestKit.Patience);

    public void Release() => _gate.TrySetResult();

    public void Dispose() => Release();
}

/// <summary>Captures log entries.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, EventId EventId, Exception? Exception, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, eventId, exception, formatter(state, exception)));
}

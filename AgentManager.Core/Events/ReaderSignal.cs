using System.Threading.Tasks.Sources;

namespace AgentManager.Events;

/// <summary>The reusable wake-up of a single reader that parks on an empty queue: one awaitable per park,
/// no allocation. The queue resets it under its lock when the reader parks and sets it once per park.</summary>
internal sealed class ReaderSignal : IValueTaskSource<bool>
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

    public ValueTask<bool> Reset()
    {
        _core.Reset();
        return new ValueTask<bool>(this, _core.Version);
    }

    /// <summary>Wakes the reader: through the thread pool, or on the calling thread when <paramref name="inline"/>
    /// (the caller then runs the reader until it parks or awaits something unfinished).</summary>
    public void Set(bool result, bool inline = false)
    {
        // Only the one waker of this park touches the core until the continuation runs.
        _core.RunContinuationsAsynchronously = !inline;
        _core.SetResult(result);
    }

    public bool GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

namespace AgentManager.Schedules;

/// <summary>Wakes the runner early after a change made in this process, so that it does not wait for its
/// next refresh.</summary>
internal sealed class ScheduleWake : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Signal()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up covers every change so far.
        }
        catch (ObjectDisposedException)
        {
            // The host is shutting down; there is no runner left to wake.
        }
    }

    public Task WaitAsync(CancellationToken cancellationToken) => _signal.WaitAsync(cancellationToken);

    public void Dispose() => _signal.Dispose();
}

namespace AgentManager.Workflows;

/// <summary>Lets one read of a kind at a time go to the store: the next starts only once the loop has taken what the
/// last one found, or it found nothing.</summary>
internal sealed class PollGate
{
    private int _busy;

    public bool TryEnter() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    public void Exit() => Volatile.Write(ref _busy, 0);
}

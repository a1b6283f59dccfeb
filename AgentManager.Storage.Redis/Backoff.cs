namespace AgentManager.Storage.Redis;

/// <summary>The wait before retrying Redis after a failure: 100 ms, doubled after each failure, at most 5 s.</summary>
internal struct Backoff
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(5);

    private TimeSpan _next;

    /// <summary>Gets the wait after the latest failure and doubles the next one.</summary>
    public TimeSpan Next()
    {
        var delay = _next == TimeSpan.Zero ? First : _next;
        _next = delay * 2 > Longest ? Longest : delay * 2;
        return delay;
    }

    /// <summary>Starts again from the shortest wait, after a success.</summary>
    public void Reset() => _next = TimeSpan.Zero;
}

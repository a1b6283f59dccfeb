namespace AgentManager.Memory;

/// <summary>Argument rules shared by the working-memory implementations.</summary>
internal static class WorkingMemoryChecks
{
    public static void Key(string workflowId, string key)
    {
        Ids.ThrowIfInvalid(workflowId);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
    }

    public static DateTimeOffset? ExpiresAt(DateTimeOffset now, TimeSpan? timeToLive)
    {
        if (timeToLive is not { } ttl)
        {
            return null;
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero, nameof(timeToLive));
        return DateTimeOffset.MaxValue - now <= ttl ? DateTimeOffset.MaxValue : now + ttl;
    }

    public static bool IsLive(WorkingMemoryEntry entry, DateTimeOffset now) => entry.ExpiresAt is not { } at || now < at;
}

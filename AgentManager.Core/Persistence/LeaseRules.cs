namespace AgentManager.Persistence;

/// <summary>When a stored lease may be acquired by a claim; the same rule for every store.</summary>
internal static class LeaseRules
{
    public static bool IsFree(string? owner, DateTimeOffset? expiresAt, long token, LeaseClaim claim) =>
        IsUnheld(owner, expiresAt, claim.Now)
        || string.Equals(owner, claim.Owner, StringComparison.Ordinal)
        || claim.TakeOverToken == token;

    /// <summary>Whether nobody holds a stored lease at <paramref name="now"/>: it was released or never taken, or it
    /// expired at or before <paramref name="now"/>.</summary>
    public static bool IsUnheld(string? owner, DateTimeOffset? expiresAt, DateTimeOffset now) =>
        owner is null || expiresAt is not { } expiry || expiry <= now;
}

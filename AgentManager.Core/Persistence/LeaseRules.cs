namespace AgentManager.Persistence;

/// <summary>When a stored lease may be acquired by a claim; the same rule for every store.</summary>
internal static class LeaseRules
{
    public static bool IsFree(string? owner, DateTimeOffset? expiresAt, long token, LeaseClaim claim) =>
        owner is null
        || expiresAt is not { } expiry
        || expiry <= claim.Now
        || string.Equals(owner, claim.Owner, StringComparison.Ordinal)
        || claim.TakeOverToken == token;
}

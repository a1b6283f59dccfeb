namespace AgentManager.Plans;

/// <summary>The snake_case wire names of <see cref="PlanStatus"/> and <see cref="PlanItemStatus"/>, as in the
/// original task plan JSON.</summary>
public static class PlanStatusNames
{
    /// <summary>Gets the wire name of a plan status.</summary>
    /// <param name="status">The status.</param>
    /// <returns><c>draft</c> or <c>confirmed</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not a defined value.</exception>
    public static string ToWireName(this PlanStatus status) => status switch
    {
        PlanStatus.Draft => "draft",
        PlanStatus.Confirmed => "confirmed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a defined PlanStatus."),
    };

    /// <summary>Gets the wire name of an item status.</summary>
    /// <param name="status">The status.</param>
    /// <returns><c>pending_review</c> or <c>confirmed</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not a defined value.</exception>
    public static string ToWireName(this PlanItemStatus status) => status switch
    {
        PlanItemStatus.PendingReview => "pending_review",
        PlanItemStatus.Confirmed => "confirmed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a defined PlanItemStatus."),
    };

    /// <summary>Parses a plan status's wire name. Matching is exact.</summary>
    /// <param name="value">The wire name.</param>
    /// <param name="status">The status when known; otherwise <see cref="PlanStatus.Draft"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a plan status's wire name.</returns>
    public static bool TryParse(string? value, out PlanStatus status)
    {
        PlanStatus? parsed = value switch
        {
            "draft" => PlanStatus.Draft,
            "confirmed" => PlanStatus.Confirmed,
            _ => null,
        };
        status = parsed ?? PlanStatus.Draft;
        return parsed is not null;
    }

    /// <summary>Parses an item status's wire name. Matching is exact.</summary>
    /// <param name="value">The wire name.</param>
    /// <param name="status">The status when known; otherwise <see cref="PlanItemStatus.PendingReview"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is an item status's wire name.</returns>
    public static bool TryParse(string? value, out PlanItemStatus status)
    {
        PlanItemStatus? parsed = value switch
        {
            "pending_review" => PlanItemStatus.PendingReview,
            "confirmed" => PlanItemStatus.Confirmed,
            _ => null,
        };
        status = parsed ?? PlanItemStatus.PendingReview;
        return parsed is not null;
    }
}

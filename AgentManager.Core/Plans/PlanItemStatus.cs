namespace AgentManager.Plans;

/// <summary>Where one item of a task plan is. Wire names: <c>pending_review</c>, <c>confirmed</c>
/// (see <see cref="PlanStatusNames"/>).</summary>
public enum PlanItemStatus
{
    /// <summary>Part of a draft, waiting for the plan to be confirmed.</summary>
    PendingReview,

    /// <summary>Confirmed with its plan.</summary>
    Confirmed,
}

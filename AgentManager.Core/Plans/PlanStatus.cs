namespace AgentManager.Plans;

/// <summary>Where a task plan is in its life. Wire names: <c>draft</c>, <c>confirmed</c>
/// (see <see cref="PlanStatusNames"/>).</summary>
public enum PlanStatus
{
    /// <summary>Under review: its items may be edited; it can be confirmed.</summary>
    Draft,

    /// <summary>Confirmed and frozen: no more edits; it can become a workflow.</summary>
    Confirmed,
}

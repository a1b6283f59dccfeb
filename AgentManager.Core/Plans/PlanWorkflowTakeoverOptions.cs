namespace AgentManager.Plans;

/// <summary>Settings of the takeover of plan-based workflows that no engine holds (see
/// <c>AddPlanWorkflowTakeover</c>).</summary>
public sealed class PlanWorkflowTakeoverOptions
{
    /// <summary>Gets or sets how often the store is scanned for running workflows whose lease expired or was given up.</summary>
    /// <value>The default is 30 seconds; it must be positive.</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);
}

namespace AgentManager.Plans;

/// <summary>Raised when a plan id, or one version of a plan, is not known.</summary>
public sealed class PlanNotFoundException : AgentManagerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="planId">The plan id that was not found.</param>
    /// <param name="version">The version that was not found, or <see langword="null"/> when the plan itself
    /// does not exist.</param>
    public PlanNotFoundException(string planId, int? version = null)
        : base(version is null ? $"Task plan '{planId}' does not exist." : $"Task plan '{planId}' has no version {version}.")
    {
        PlanId = planId;
        Version = version;
    }

    /// <summary>Gets the plan id.</summary>
    public string PlanId { get; }

    /// <summary>Gets the missing version, or <see langword="null"/> when the plan does not exist.</summary>
    public int? Version { get; }
}

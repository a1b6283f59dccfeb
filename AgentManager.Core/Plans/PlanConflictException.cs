namespace AgentManager.Plans;

/// <summary>Raised when an operation does not fit the plan's current state: editing or confirming a confirmed
/// plan, a version that is not the current one, a plan id that is taken, deleting a plan whose workflow
/// runs. Nothing was changed.</summary>
public sealed class PlanConflictException : AgentManagerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="planId">The plan.</param>
    /// <param name="currentVersion">The plan's current version, when it exists.</param>
    /// <param name="message">A sentence naming the operation and the rule.</param>
    public PlanConflictException(string planId, int? currentVersion, string message)
        : base(message)
    {
        PlanId = planId;
        CurrentVersion = currentVersion;
    }

    /// <summary>Gets the plan id.</summary>
    public string PlanId { get; }

    /// <summary>Gets the plan's current version, or <see langword="null"/> when unknown.</summary>
    public int? CurrentVersion { get; }
}

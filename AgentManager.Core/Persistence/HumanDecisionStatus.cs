namespace AgentManager.Persistence;

/// <summary>Where a stored human decision stands.</summary>
public enum HumanDecisionStatus
{
    /// <summary>Waiting for the engine that runs its workflow to take it.</summary>
    Pending,

    /// <summary>Applied: the task moved as decided.</summary>
    Applied,

    /// <summary>Not applied, for the reason in <see cref="HumanDecisionRecord.Outcome"/> (for example, the task was
    /// no longer blocked); nothing changed.</summary>
    Rejected,
}

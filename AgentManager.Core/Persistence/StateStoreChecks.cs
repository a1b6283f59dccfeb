namespace AgentManager.Persistence;

/// <summary>Argument checks shared by the state stores.</summary>
internal static class StateStoreChecks
{
    public static void ThrowIfNotPending(HumanDecisionRecord decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Status != HumanDecisionStatus.Pending)
        {
            throw new ArgumentException($"Decision '{decision.DecisionId}' is {decision.Status}; only a pending decision is queued.", nameof(decision));
        }
    }
}

namespace AgentManager.Persistence;

/// <summary>Argument checks shared by the state stores.</summary>
internal static class StateStoreChecks
{
    public static void ThrowIfIncomplete(WorkflowRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.WorkflowId, nameof(request) + ".WorkflowId");
        ArgumentNullException.ThrowIfNull(request.RequestedBy, nameof(request) + ".RequestedBy");
        if (!Enum.IsDefined(request.Kind))
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Kind, $"Request kind {(int)request.Kind} is not start or cancel.");
        }

        if (request.Kind == WorkflowRequestKind.Cancel)
        {
            ArgumentNullException.ThrowIfNull(request.Reason, nameof(request) + ".Reason");
        }
    }

    /// <summary>Throws when a query's page has a negative offset or limit, naming the properties passed.</summary>
    public static void ThrowIfInvalidPage(
        int offset,
        int? limit,
        string query,
        [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(offset))] string offsetName = "",
        [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(limit))] string limitName = "")
    {
        if (offset < 0)
        {
            throw new ArgumentOutOfRangeException(offsetName, offset, $"{query}'s offset is 0 or more.");
        }

        if (limit < 0)
        {
            throw new ArgumentOutOfRangeException(limitName, limit, $"{query}'s limit is 0 or more, or null for no limit.");
        }
    }

    public static void ThrowIfNotPending(HumanDecisionRecord decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Status != HumanDecisionStatus.Pending)
        {
            throw new ArgumentException($"Decision '{decision.DecisionId}' is {decision.Status}; only a pending decision is queued.", nameof(decision));
        }
    }

    /// <summary>Throws when the batch releases a lease it does not hold a token of.</summary>
    public static void ThrowIfReleasedWithoutToken(StateChanges changes)
    {
        foreach (var workflowId in changes.ReleasedLeases)
        {
            if (!changes.FencingTokens.ContainsKey(workflowId))
            {
                throw new ArgumentException($"Workflow '{workflowId}' is in ReleasedLeases but not in FencingTokens; only a holder releases a lease.", nameof(changes));
            }
        }
    }

    /// <summary>Throws when a task change names no task, as <c>default(TaskStateChange)</c> does.</summary>
    public static void ThrowIfUnnamed(in TaskStateChange change, string paramName)
    {
        if (change.WorkflowId is null || change.TaskId is null)
        {
            throw new ArgumentException($"A task change must name its workflow and task; this one names workflow '{change.WorkflowId}' and task '{change.TaskId}'.", paramName);
        }
    }
}

namespace AgentManager.Persistence;

/// <summary>A commit carried a fencing token that is no longer the workflow's: another engine took the lease over.
/// The store changed nothing.</summary>
public sealed class LeaseLostException : AgentManagerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="workflowId">The workflow.</param>
    /// <param name="heldToken">The token the writer carried.</param>
    /// <param name="currentToken">The token the store holds; 0 when the workflow has no lease any more.</param>
    /// <param name="currentOwner">The current holder, when there is one.</param>
    public LeaseLostException(string workflowId, long heldToken, long currentToken, string? currentOwner)
        : base($"The write to workflow '{workflowId}' carried fencing token {heldToken}, but the store holds token {currentToken}"
            + (currentOwner is null ? " with no owner" : $" of engine '{currentOwner}'")
            + "; the lease was lost, so nothing was stored.")
    {
        WorkflowId = workflowId;
        HeldToken = heldToken;
        CurrentToken = currentToken;
        CurrentOwner = currentOwner;
    }

    /// <summary>Gets the workflow.</summary>
    public string WorkflowId { get; }

    /// <summary>Gets the token the writer carried.</summary>
    public long HeldToken { get; }

    /// <summary>Gets the token the store holds.</summary>
    public long CurrentToken { get; }

    /// <summary>Gets the current holder, or <see langword="null"/>.</summary>
    public string? CurrentOwner { get; }
}

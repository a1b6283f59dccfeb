namespace AgentManager.Inbox;

/// <summary>What a human decides about a task blocked for a human (<c>blocked_hitl</c>).</summary>
/// <remarks>Wire names: <c>retry</c>, <c>complete</c>, <c>fail</c>, <c>cancel</c>; see <see cref="HumanActionNames"/>.</remarks>
public enum HumanAction
{
    /// <summary>Give the task one more attempt by its own agent (<c>human_retry</c>); if it fails, the task is blocked again.</summary>
    Retry,

    /// <summary>Declare the task done (<c>human_complete</c>); its dependents become ready.</summary>
    Complete,

    /// <summary>Declare the task failed (<c>human_fail</c>); its dependents are cancelled.</summary>
    Fail,

    /// <summary>Cancel the task (<c>cancel</c>); its dependents are cancelled.</summary>
    Cancel,
}

namespace AgentManager.Workflows;

/// <summary>What the engine does with a task blocked for a human when its <see cref="RepairPolicy.HumanDeadline"/> passes.</summary>
public enum DeadlineAction
{
    /// <summary>The task fails (<c>give_up</c>) and its dependents are cancelled.</summary>
    Fail,

    /// <summary>The task is cancelled and so are its dependents.</summary>
    Cancel,

    /// <summary>The task gets one more attempt by its own agent (<c>retry</c>); when that fails it is blocked
    /// again, this time without a deadline.</summary>
    Retry,
}

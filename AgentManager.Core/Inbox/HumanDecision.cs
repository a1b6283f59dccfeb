namespace AgentManager.Inbox;

/// <summary>A human's decision about a task blocked for a human, as handed to <see cref="IHumanInbox.DecideAsync"/>.</summary>
public sealed class HumanDecision
{
    /// <summary>Gets the workflow of the task.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Gets the blocked task.</summary>
    public required string TaskId { get; init; }

    /// <summary>Gets what the human decided.</summary>
    public required HumanAction Action { get; init; }

    /// <summary>Gets who decided: a person's name, never <c>engine</c>. Recorded with the transition.</summary>
    public required string Actor { get; init; }

    /// <summary>Gets why, in words. Required; recorded with the transition.</summary>
    public required string Reason { get; init; }
}

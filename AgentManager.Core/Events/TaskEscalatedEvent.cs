using AgentManager.Workflows;

namespace AgentManager.Events;

/// <summary><c>task_escalated</c>: a failing task moved up the repair ladder. The transition that goes with it
/// (<c>retry</c> to the new agent, or <c>block</c> for a human) is published as a <see cref="TaskEvent"/> right after.</summary>
public sealed record TaskEscalatedEvent : AgentManagerEvent
{
    /// <summary>Creates the event.</summary>
    /// <param name="workflowId">The workflow.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="level">The level the task moved to.</param>
    /// <param name="agentId">The agent that takes over; <see langword="null"/> for <see cref="RepairLevel.Human"/>.</param>
    /// <param name="timestamp">When it happened, from the caller's <see cref="TimeProvider"/>.</param>
    /// <param name="reason">Why, in words: the level, the agent and the last error.</param>
    /// <exception cref="ArgumentException">An id is invalid.</exception>
    public TaskEscalatedEvent(string workflowId, string taskId, RepairLevel level, string? agentId, DateTimeOffset timestamp, string reason)
        : base(EventTypes.TaskEscalated, workflowId, timestamp)
    {
        Ids.ThrowIfInvalid(taskId);
        TaskId = taskId;
        Level = level;
        AgentId = agentId;
        Reason = reason;
    }

    /// <summary>Gets the task.</summary>
    public string TaskId { get; }

    /// <summary>Gets the level the task moved to.</summary>
    public RepairLevel Level { get; }

    /// <summary>Gets the agent that takes over the task; <see langword="null"/> when it waits for a human.</summary>
    public string? AgentId { get; }

    /// <summary>Gets why, in words.</summary>
    public string Reason { get; }
}

using System.Text;
using AgentManager.Lifecycle;

namespace AgentManager.Events;

/// <summary>A task moved. Every task event is a <see cref="TaskTransition"/>: the move and its event are one object,
/// which the engine commits, logs and publishes.</summary>
/// <remarks><see cref="AgentManagerEvent.Type"/> follows from the transition: to Ready by
/// DependenciesMet is <c>task_ready</c>; to Ready by Retry, HumanRetry or LeaseExpired is
/// <c>task_retrying</c>; to Implementing <c>task_started</c>, Verifying <c>task_verifying</c>,
/// Completed <c>task_completed</c>, BlockedRepair <c>task_attempt_failed</c>, Failed <c>task_failed</c>,
/// BlockedHitl <c>task_blocked</c>, Cancelled <c>task_cancelled</c>. To publish a move, publish its
/// <see cref="TaskTransition"/> (from <see cref="TaskLifecycle.Transition"/>).</remarks>
public abstract record TaskEvent : AgentManagerEvent
{
    private protected TaskEvent(string validType, string validWorkflowId, string taskId, DateTimeOffset timestamp)
        : base(timestamp, validType, validWorkflowId)
    {
        TaskId = taskId;
    }

    /// <summary>Gets the task that moved.</summary>
    public string TaskId { get; }

    /// <summary>Gets the transition: the event itself.</summary>
    public abstract TaskTransition Transition { get; }

    /// <summary>Writes the event's members for <see cref="object.ToString"/>, leaving out <see cref="Transition"/>
    /// (the event itself).</summary>
    /// <param name="builder">The builder to write to.</param>
    /// <returns><see langword="true"/>: members were written.</returns>
    protected override bool PrintMembers(StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        base.PrintMembers(builder);
        builder.Append(", TaskId = ").Append(TaskId);
        return true;
    }

    /// <summary>The event type of a move known to follow a lifecycle rule.</summary>
    internal static string TypeOf(TaskState to, TaskTrigger trigger) => to switch
    {
        TaskState.Ready when trigger == TaskTrigger.DependenciesMet => EventTypes.TaskReady,
        TaskState.Ready => EventTypes.TaskRetrying,
        TaskState.Implementing => EventTypes.TaskStarted,
        TaskState.Verifying => EventTypes.TaskVerifying,
        TaskState.Completed => EventTypes.TaskCompleted,
        TaskState.BlockedRepair => EventTypes.TaskAttemptFailed,
        TaskState.Failed => EventTypes.TaskFailed,
        TaskState.BlockedHitl => EventTypes.TaskBlocked,
        TaskState.Cancelled => EventTypes.TaskCancelled,
        _ => throw new InvalidOperationException($"No task event is defined for a move to '{to}'."),
    };
}

using AgentManager.Lifecycle;

namespace AgentManager.Events;

/// <summary>A task moved: the event form of a <see cref="TaskTransition"/>.</summary>
/// <remarks><see cref="AgentManagerEvent.Type"/> follows from the transition: to Ready by
/// DependenciesMet is <c>task_ready</c>; to Ready by Retry, HumanRetry or LeaseExpired is
/// <c>task_retrying</c>; to Implementing <c>task_started</c>, Verifying <c>task_verifying</c>,
/// Completed <c>task_completed</c>, BlockedRepair <c>task_attempt_failed</c>, Failed <c>task_failed</c>,
/// BlockedHitl <c>task_blocked</c>, Cancelled <c>task_cancelled</c>.</remarks>
public sealed record TaskEvent : AgentManagerEvent
{
    /// <summary>Creates the event of a transition, with its workflow and timestamp.</summary>
    /// <param name="transition">A transition that follows a rule of <see cref="TaskLifecycle"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="transition"/> follows no lifecycle rule.</exception>
    public TaskEvent(TaskTransition transition)
        : base(TypeOf(transition), transition.WorkflowId, transition.Timestamp)
    {
        Transition = transition;
        TaskId = transition.TaskId;
    }

    private TaskEvent(TaskTransition validTransition, string validType)
        : base(validTransition.Timestamp, validType, validTransition.WorkflowId)
    {
        Transition = validTransition;
        TaskId = validTransition.TaskId;
    }

    /// <summary>Gets the task that moved.</summary>
    public string TaskId { get; }

    /// <summary>Gets the transition.</summary>
    public TaskTransition Transition { get; }

    /// <summary>The event type of a transition's event; throws when it follows no lifecycle rule.</summary>
    internal static string TypeOf(TaskTransition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        if (!TaskLifecycle.CanFire(transition.From, transition.Trigger) || TaskLifecycle.DestinationOf(transition.Trigger) != transition.To)
        {
            throw new ArgumentException(
                $"Transition of task '{transition.TaskId}' from '{transition.From}' to '{transition.To}' by '{transition.Trigger}' follows no lifecycle rule.",
                nameof(transition));
        }

        return TypeOfValid(transition);
    }

    /// <summary>The event of a transition known to follow a lifecycle rule: one the engine made through
    /// <see cref="TaskLifecycle"/> with ids it checked when it compiled the workflow, or one a
    /// <see cref="TaskEvent"/> already carries. Its type and ids are not checked again.</summary>
    internal static TaskEvent OfValid(TaskTransition transition) => new(transition, TypeOfValid(transition));

    /// <summary>The event type of a transition known to follow a lifecycle rule.</summary>
    internal static string TypeOfValid(TaskTransition transition)
    {
        return transition.To switch
        {
            TaskState.Ready when transition.Trigger == TaskTrigger.DependenciesMet => EventTypes.TaskReady,
            TaskState.Ready => EventTypes.TaskRetrying,
            TaskState.Implementing => EventTypes.TaskStarted,
            TaskState.Verifying => EventTypes.TaskVerifying,
            TaskState.Completed => EventTypes.TaskCompleted,
            TaskState.BlockedRepair => EventTypes.TaskAttemptFailed,
            TaskState.Failed => EventTypes.TaskFailed,
            TaskState.BlockedHitl => EventTypes.TaskBlocked,
            TaskState.Cancelled => EventTypes.TaskCancelled,
            _ => throw new ArgumentException($"No task event is defined for a move to '{transition.To}'.", nameof(transition)),
        };
    }
}

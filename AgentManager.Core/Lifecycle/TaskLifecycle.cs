using System.Runtime.CompilerServices;

namespace AgentManager.Lifecycle;

/// <summary>The task lifecycle: which triggers each <see cref="TaskState"/> allows, where they lead,
/// and the one way to move a task (<see cref="Transition"/>).</summary>
/// <remarks>
/// <para>The table is defined once with the Stateless library and read from it once into a look-up table
/// that every transition uses. This class holds no task state: the caller passes the current state and
/// stores the returned one.</para>
/// <para>All members are thread-safe and <see cref="Transition"/> allocates nothing but its result.</para>
/// </remarks>
public static class TaskLifecycle
{
    /// <summary>The actor of every move that the engine makes on its own.</summary>
    public const string EngineActor = "engine";

    /// <summary>Gets every allowed move, ordered by source state then trigger (enum declaration order).</summary>
    public static IReadOnlyList<LifecycleRule> Rules => LifecycleTable.Instance.Rules;

    /// <summary>Gets the state a trigger leads to. Every trigger has exactly one destination,
    /// whatever state it is fired from.</summary>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The destination state.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trigger"/> is not a defined value.</exception>
    public static TaskState DestinationOf(TaskTrigger trigger)
    {
        ThrowIfUndefined(trigger);
        return LifecycleTable.Instance.DestinationOf(trigger);
    }

    /// <summary>Tells whether <paramref name="trigger"/> is allowed in state <paramref name="from"/>.</summary>
    /// <param name="from">The current state.</param>
    /// <param name="trigger">The trigger.</param>
    /// <returns><see langword="true"/> when a rule allows the move; <see langword="false"/> otherwise,
    /// including for undefined enum values.</returns>
    /// <remarks>The human-only rules on the actor and reason are checked by <see cref="Transition"/>, not here.</remarks>
    public static bool CanFire(TaskState from, TaskTrigger trigger) => LifecycleTable.Instance.CanFire(from, trigger);

    /// <summary>Gets the triggers allowed in a state, in enum declaration order.</summary>
    /// <param name="from">The state.</param>
    /// <returns>The allowed triggers; empty for <see cref="TaskState.Completed"/> and <see cref="TaskState.Cancelled"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="from"/> is not a defined value.</exception>
    public static IReadOnlyList<TaskTrigger> PermittedTriggers(TaskState from)
    {
        ThrowIfUndefined(from);
        return LifecycleTable.Instance.PermittedTriggers(from);
    }

    /// <summary>Moves a task: looks the move up in the table and describes it.</summary>
    /// <param name="workflowId">The workflow the task belongs to.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="from">The task's current state, as the caller stores it.</param>
    /// <param name="trigger">What happened.</param>
    /// <param name="attempt">The task's attempt number; zero or more.</param>
    /// <param name="timestamp">When it happened, from the caller's <see cref="TimeProvider"/>.</param>
    /// <param name="actor">Who made the move. The <c>Human*</c> triggers need a human, not <see cref="EngineActor"/>.</param>
    /// <param name="reason">Why. Required, non-blank, for the <c>Human*</c> triggers.</param>
    /// <returns>The transition; its <see cref="TaskTransition.To"/> is the task's new state.</returns>
    /// <exception cref="ArgumentException">An id is invalid, <paramref name="actor"/> is blank, or a
    /// <c>Human*</c> trigger lacks a human actor or a reason.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An enum value is undefined or <paramref name="attempt"/> is negative.</exception>
    /// <exception cref="InvalidTransitionException"><paramref name="trigger"/> is not allowed in <paramref name="from"/>.</exception>
    public static TaskTransition Transition(
        string workflowId,
        string taskId,
        TaskState from,
        TaskTrigger trigger,
        int attempt,
        DateTimeOffset timestamp,
        string actor = EngineActor,
        string? reason = null)
    {
        Ids.ThrowIfInvalid(workflowId);
        Ids.ThrowIfInvalid(taskId);
        return TransitionOfValidIds(workflowId, taskId, from, trigger, attempt, timestamp, actor, reason);
    }

    /// <summary><see cref="Transition"/> for a caller whose ids are known to be valid (the engine checks
    /// them once, when it compiles a workflow): every other rule is checked the same way.</summary>
    internal static TaskTransition TransitionOfValidIds(
        string workflowId,
        string taskId,
        TaskState from,
        TaskTrigger trigger,
        int attempt,
        DateTimeOffset timestamp,
        string actor = EngineActor,
        string? reason = null)
    {
        ThrowIfUndefined(from);
        ThrowIfUndefined(trigger);
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (IsHumanOnly(trigger))
        {
            ThrowIfNotHumanDecision(trigger, actor, reason);
        }

        if (!LifecycleTable.Instance.TryFire(from, trigger, out var to))
        {
            throw new InvalidTransitionException(taskId, from, trigger);
        }

        return TaskTransition.OfValid(workflowId, taskId, from, to, trigger, reason, actor, attempt, timestamp);
    }

    /// <summary>Tells whether a trigger is a human decision that needs a human actor and a reason.</summary>
    internal static bool IsHumanOnly(TaskTrigger trigger) =>
        trigger is TaskTrigger.HumanRetry or TaskTrigger.HumanComplete or TaskTrigger.HumanFail;

    private static void ThrowIfNotHumanDecision(TaskTrigger trigger, string actor, string? reason)
    {
        if (string.Equals(actor.Trim(), EngineActor, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"Trigger '{trigger.ToWireName()}' is a human decision: the actor must name a human, not '{EngineActor}'.",
                nameof(actor));
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException(
                $"Trigger '{trigger.ToWireName()}' is a human decision and needs a non-blank reason.",
                nameof(reason));
        }
    }

    private static void ThrowIfUndefined(TaskState state, [CallerArgumentExpression(nameof(state))] string? paramName = null)
    {
        if (!LifecycleTable.IsDefined(state))
        {
            throw new ArgumentOutOfRangeException(paramName, state, "Not a defined TaskState.");
        }
    }

    private static void ThrowIfUndefined(TaskTrigger trigger, [CallerArgumentExpression(nameof(trigger))] string? paramName = null)
    {
        if (!LifecycleTable.IsDefined(trigger))
        {
            throw new ArgumentOutOfRangeException(paramName, trigger, "Not a defined TaskTrigger.");
        }
    }
}

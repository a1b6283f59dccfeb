using System.Text.Json.Serialization;
using AgentManager.Events;

namespace AgentManager.Lifecycle;

/// <summary>One move of a task from a state to another, as made by <see cref="TaskLifecycle.Transition"/>. A transition
/// is also the event that reports the move: the engine commits, logs and publishes one object per move (a store may
/// give back an equal instance instead of that one).</summary>
/// <remarks>
/// <para><see cref="AgentManagerEvent.Type"/> follows from <see cref="To"/> and <see cref="Trigger"/> (see
/// <see cref="TaskEvent"/>). The constructor refuses a move that follows no rule of <see cref="TaskLifecycle"/>, and
/// the move (<see cref="From"/>, <see cref="To"/>, <see cref="Trigger"/>) cannot be changed by a <c>with</c> copy.</para>
/// <para>Two transitions are equal when they describe the same move: the nine values the constructor takes. The event
/// parts that a bus or an engine adds (<see cref="AgentManagerEvent.Sequence"/>, <see cref="AgentManagerEvent.CorrelationId"/>)
/// are not compared. A transition read from a store may already be published (its sequence set); publish a copy
/// (<c>transition with { }</c>) to publish it again.</para>
/// </remarks>
public sealed record TaskTransition : TaskEvent
{
    /// <summary>Creates a transition, checking that it follows a rule of <see cref="TaskLifecycle"/>.</summary>
    /// <param name="workflowId">The workflow the task belongs to.</param>
    /// <param name="taskId">The task that moved.</param>
    /// <param name="from">The state before the move.</param>
    /// <param name="to">The state after the move.</param>
    /// <param name="trigger">What caused the move.</param>
    /// <param name="reason">Why, in words; always set for human triggers.</param>
    /// <param name="actor">Who made the move: <see cref="TaskLifecycle.EngineActor"/> or a human's name.</param>
    /// <param name="attempt">The task's attempt number at the time of the move, as given by the caller.</param>
    /// <param name="timestamp">When the move happened.</param>
    /// <exception cref="ArgumentException">An id is invalid, or the move follows no lifecycle rule (<paramref name="trigger"/>
    /// is not allowed in <paramref name="from"/>, or does not lead to <paramref name="to"/>).</exception>
    public TaskTransition(
        string workflowId,
        string taskId,
        TaskState from,
        TaskState to,
        TaskTrigger trigger,
        string? reason,
        string actor,
        int attempt,
        DateTimeOffset timestamp)
        : this(workflowId, taskId, from, to, trigger, reason, actor, attempt, timestamp, check: true)
    {
    }

    private TaskTransition(
        string workflowId,
        string taskId,
        TaskState from,
        TaskState to,
        TaskTrigger trigger,
        string? reason,
        string actor,
        int attempt,
        DateTimeOffset timestamp,
        bool check)
        : base(check ? CheckedType(workflowId, taskId, from, to, trigger) : TypeOf(to, trigger), workflowId, taskId, timestamp)
    {
        From = from;
        To = to;
        Trigger = trigger;
        Reason = reason;
        Actor = actor;
        Attempt = attempt;
    }

    /// <summary>Gets the state before the move.</summary>
    public TaskState From { get; }

    /// <summary>Gets the state after the move.</summary>
    public TaskState To { get; }

    /// <summary>Gets what caused the move.</summary>
    public TaskTrigger Trigger { get; }

    /// <summary>Gets why, in words; always set for human triggers.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets who made the move: <see cref="TaskLifecycle.EngineActor"/> or a human's name.</summary>
    public string Actor { get; init; }

    /// <summary>Gets the task's attempt number at the time of the move.</summary>
    public int Attempt { get; init; }

    /// <summary>Gets this transition: it is its own event.</summary>
    [JsonIgnore]
    public override TaskTransition Transition => this;

    /// <summary>Gets the transition's values.</summary>
    /// <param name="workflowId">The workflow the task belongs to.</param>
    /// <param name="taskId">The task that moved.</param>
    /// <param name="from">The state before the move.</param>
    /// <param name="to">The state after the move.</param>
    /// <param name="trigger">What caused the move.</param>
    /// <param name="reason">Why, in words.</param>
    /// <param name="actor">Who made the move.</param>
    /// <param name="attempt">The task's attempt number at the time of the move.</param>
    /// <param name="timestamp">When the move happened.</param>
    public void Deconstruct(
        out string workflowId,
        out string taskId,
        out TaskState from,
        out TaskState to,
        out TaskTrigger trigger,
        out string? reason,
        out string actor,
        out int attempt,
        out DateTimeOffset timestamp)
    {
        workflowId = WorkflowId;
        taskId = TaskId;
        from = From;
        to = To;
        trigger = Trigger;
        reason = Reason;
        actor = Actor;
        attempt = Attempt;
        timestamp = Timestamp;
    }

    /// <summary>Tells whether <paramref name="other"/> describes the same move (sequence and correlation id not compared).</summary>
    /// <param name="other">The other transition.</param>
    /// <returns><see langword="true"/> when the nine values of the moves are equal.</returns>
    public bool Equals(TaskTransition? other) =>
        ReferenceEquals(this, other)
        || (other is not null
            && From == other.From
            && To == other.To
            && Trigger == other.Trigger
            && Attempt == other.Attempt
            && Timestamp.Equals(other.Timestamp)
            && string.Equals(WorkflowId, other.WorkflowId, StringComparison.Ordinal)
            && string.Equals(TaskId, other.TaskId, StringComparison.Ordinal)
            && string.Equals(Reason, other.Reason, StringComparison.Ordinal)
            && string.Equals(Actor, other.Actor, StringComparison.Ordinal));

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HashCode.Combine(HashCode.Combine(WorkflowId, TaskId, From, To, Trigger), Reason, Actor, Attempt, Timestamp);

    /// <summary>A transition the engine made through <see cref="TaskLifecycle"/>, which checked the rule, with ids it
    /// checked when it compiled the workflow: nothing is checked again.</summary>
    internal static TaskTransition OfValid(
        string workflowId,
        string taskId,
        TaskState from,
        TaskState to,
        TaskTrigger trigger,
        string? reason,
        string actor,
        int attempt,
        DateTimeOffset timestamp) =>
        new(workflowId, taskId, from, to, trigger, reason, actor, attempt, timestamp, check: false);

    /// <summary>The event type of a move, once its ids and rule are checked.</summary>
    private static string CheckedType(string workflowId, string taskId, TaskState from, TaskState to, TaskTrigger trigger)
    {
        Ids.ThrowIfInvalid(workflowId);
        Ids.ThrowIfInvalid(taskId);
        if (!TaskLifecycle.CanFire(from, trigger) || TaskLifecycle.DestinationOf(trigger) != to)
        {
            throw new ArgumentException(
                $"Transition of task '{taskId}' from '{from}' to '{to}' by '{trigger}' follows no lifecycle rule.",
                nameof(trigger));
        }

        return TypeOf(to, trigger);
    }
}

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
        // One byte each (every state and trigger is below 256, and the constructor admits only a move of the
        // lifecycle): with the attempt they fill one 8-byte slot.
        _from = (byte)from;
        _to = (byte)to;
        _trigger = (byte)trigger;
        _reasonOrByWhom = Pack(reason, actor);
        Attempt = attempt;
    }

    private readonly byte _from;
    private readonly byte _to;
    private readonly byte _trigger;

    /// <summary>Gets the state before the move.</summary>
    public TaskState From => (TaskState)_from;

    /// <summary>Gets the state after the move.</summary>
    public TaskState To => (TaskState)_to;

    /// <summary>Gets what caused the move.</summary>
    public TaskTrigger Trigger => (TaskTrigger)_trigger;

    // A move the engine made (nearly every one) keeps its reason alone here, a move by anyone else a ByWhom: one
    // field instead of two, so that with the one-byte states and trigger a move is 88 bytes instead of 104.
    private readonly object? _reasonOrByWhom;

    /// <summary>Gets why, in words; always set for human triggers.</summary>
    public string? Reason
    {
        get => _reasonOrByWhom is ByWhom byWhom ? byWhom.Reason : (string?)_reasonOrByWhom;
        init => _reasonOrByWhom = Pack(value, Actor);
    }

    /// <summary>Gets who made the move: <see cref="TaskLifecycle.EngineActor"/> or a human's name.</summary>
    public string Actor
    {
        get => _reasonOrByWhom is ByWhom byWhom ? byWhom.Actor : TaskLifecycle.EngineActor;
        init => _reasonOrByWhom = Pack(Reason, value);
    }

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

    private static object? Pack(string? reason, string actor) =>
        string.Equals(actor, TaskLifecycle.EngineActor, StringComparison.Ordinal) ? reason : new ByWhom(reason, actor);

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

    /// <summary>The reason and the actor of a move not made by the engine.</summary>
    private sealed class ByWhom(string? reason, string actor)
    {
        public string? Reason { get; } = reason;

        public string Actor { get; } = actor;
    }
}

namespace AgentManager.Events;

/// <summary>Something happened to a task plan: created, updated, confirmed, confirm failed or deleted.</summary>
/// <remarks>A plan's events carry the plan id as their <see cref="AgentManagerEvent.WorkflowId"/>: the workflow
/// made from a confirmed plan takes the plan id by default, so one <see cref="EventFilter"/> on that id sees
/// the plan's and its workflow's events.</remarks>
public sealed record TaskPlanEvent : AgentManagerEvent
{
    /// <summary>Creates a task plan event.</summary>
    /// <param name="type">One of the <c>task_plan_*</c> constants of <see cref="EventTypes"/>.</param>
    /// <param name="planId">The plan.</param>
    /// <param name="version">The plan version the event is about: the new version for created, updated and
    /// confirmed, the version that was being confirmed for confirm failed, the last version for deleted.</param>
    /// <param name="timestamp">When it happened, from the caller's <see cref="TimeProvider"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a <c>task_plan_*</c> constant or
    /// <paramref name="planId"/> is not a valid id.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is less than 1.</exception>
    public TaskPlanEvent(string type, string planId, int version, DateTimeOffset timestamp)
        : base(RequireTaskPlanType(type), planId, timestamp)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        Version = version;
    }

    /// <summary>Gets the plan id (the same as <see cref="AgentManagerEvent.WorkflowId"/>).</summary>
    public string PlanId => WorkflowId;

    /// <summary>Gets the plan version the event is about.</summary>
    public int Version { get; }

    /// <summary>Gets why, in words: set on <c>task_plan_confirm_failed</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets the distinct assignees of the plan's items in item order: set on
    /// <c>task_plan_confirmed</c>, empty otherwise.</summary>
    public IReadOnlyList<string> Assignees { get; init; } = [];

    private static string RequireTaskPlanType(string type) => EventTypes.IsTaskPlanType(type)
        ? type
        : throw new ArgumentException(
            $"'{type}' is not a task plan event type; use one of the EventTypes.TaskPlan* constants (task_plan_created, task_plan_updated, task_plan_confirmed, task_plan_confirm_failed, task_plan_deleted).",
            nameof(type));
}

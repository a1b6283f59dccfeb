using AgentManager.Agents;

namespace AgentManager.Plans;

/// <summary>What <see cref="TaskPlanService.CreateAsync"/> makes a draft plan of. Immutable.</summary>
/// <remarks>Status, version and timestamps are set by the service; the items' own
/// <see cref="PlanItem.Status"/> is ignored (every item starts <see cref="PlanItemStatus.PendingReview"/>).</remarks>
public sealed class NewTaskPlan
{
    private readonly IReadOnlyList<PlanItem> items = [];
    private readonly IReadOnlyList<string> temporaryRoles = [];
    private readonly IReadOnlyList<string> selectedTemplates = [];
    private readonly IReadOnlyList<string> preferredAssignees = [];
    private readonly IReadOnlyDictionary<string, string> metadata = Frozen.Map([], "metadata");

    /// <summary>Gets the plan id (<c>plan_id</c>), a valid id (see <see cref="Ids"/>); <see langword="null"/>
    /// (the default) lets the service generate <c>plan-&lt;32 hex digits&gt;</c>.</summary>
    public string? PlanId { get; init; }

    /// <summary>Gets the task the plan breaks down (<c>source_task_id</c>), if any.</summary>
    public string? SourceTaskId { get; init; }

    /// <summary>Gets who made the plan (<c>created_by</c>), for example <c>manager</c>.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>Gets the items (<c>items</c>); a draft may have none, a confirmed plan has at least one.</summary>
    public IReadOnlyList<PlanItem> Items
    {
        get => items;
        init => items = Frozen.List(value, nameof(Items));
    }

    /// <summary>Gets the temporary roles the planner asked for (<c>temporary_roles</c>).</summary>
    public IReadOnlyList<string> TemporaryRoles
    {
        get => temporaryRoles;
        init => temporaryRoles = Frozen.List(value, nameof(TemporaryRoles));
    }

    /// <summary>Gets the templates the planner selected (<c>selected_templates</c>).</summary>
    public IReadOnlyList<string> SelectedTemplates
    {
        get => selectedTemplates;
        init => selectedTemplates = Frozen.List(value, nameof(SelectedTemplates));
    }

    /// <summary>Gets the agents the planner prefers (<c>preferred_assignees</c>).</summary>
    public IReadOnlyList<string> PreferredAssignees
    {
        get => preferredAssignees;
        init => preferredAssignees = Frozen.List(value, nameof(PreferredAssignees));
    }

    /// <summary>Gets free-form values kept with the plan (<c>metadata</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata
    {
        get => metadata;
        init => metadata = Frozen.Map(value, nameof(Metadata));
    }
}

using AgentManager.Agents;

namespace AgentManager.Plans;

/// <summary>One stored version of a task plan: immutable. Every accepted change stores a new version with
/// <see cref="Version"/> one higher.</summary>
/// <remarks>Wire names follow the original task plan JSON: <c>plan_id</c>, <c>source_task_id</c>,
/// <c>items</c>, <c>created_by</c>, <c>status</c>, <c>temporary_roles</c>, <c>selected_templates</c>,
/// <c>preferred_assignees</c>, <c>created_at</c>, <c>updated_at</c>, <c>metadata</c>, plus <c>version</c> and
/// <c>confirmed_version</c>. Store implementations build instances with an object initializer.</remarks>
public sealed class TaskPlan
{
    private readonly string planId = "";
    private readonly IReadOnlyList<PlanItem> items = [];
    private readonly IReadOnlyList<string> temporaryRoles = [];
    private readonly IReadOnlyList<string> selectedTemplates = [];
    private readonly IReadOnlyList<string> preferredAssignees = [];
    private readonly IReadOnlyDictionary<string, string> metadata = Frozen.Map([], "metadata");

    /// <summary>Gets the plan id.</summary>
    public required string PlanId
    {
        get => planId;
        init => planId = value ?? throw new ArgumentNullException(nameof(PlanId));
    }

    /// <summary>Gets the version: 1 when created, one more for every accepted change.</summary>
    public required int Version { get; init; }

    /// <summary>Gets the task the plan breaks down, if any.</summary>
    public string? SourceTaskId { get; init; }

    /// <summary>Gets who made the plan, if known.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>Gets the status.</summary>
    public PlanStatus Status { get; init; }

    /// <summary>Gets the items, in plan order.</summary>
    public IReadOnlyList<PlanItem> Items
    {
        get => items;
        init => items = Frozen.List(value, nameof(Items));
    }

    /// <summary>Gets the temporary roles the planner asked for.</summary>
    public IReadOnlyList<string> TemporaryRoles
    {
        get => temporaryRoles;
        init => temporaryRoles = Frozen.List(value, nameof(TemporaryRoles));
    }

    /// <summary>Gets the templates the planner selected.</summary>
    public IReadOnlyList<string> SelectedTemplates
    {
        get => selectedTemplates;
        init => selectedTemplates = Frozen.List(value, nameof(SelectedTemplates));
    }

    /// <summary>Gets the agents the planner prefers.</summary>
    public IReadOnlyList<string> PreferredAssignees
    {
        get => preferredAssignees;
        init => preferredAssignees = Frozen.List(value, nameof(PreferredAssignees));
    }

    /// <summary>Gets when the plan was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when this version was stored.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets free-form values kept with the plan, sorted by key.</summary>
    public IReadOnlyDictionary<string, string> Metadata
    {
        get => metadata;
        init => metadata = Frozen.Map(value, nameof(Metadata));
    }

    /// <summary>Gets the version that confirmed the plan; <see langword="null"/> while it is a draft.</summary>
    public int? ConfirmedVersion { get; init; }

    /// <summary>Gets the distinct assignees of the items, in item order.</summary>
    public IReadOnlyList<string> Assignees =>
        Items.Select(item => item.Assignee).OfType<string>().Where(assignee => assignee.Length > 0).Distinct(StringComparer.Ordinal).ToList().AsReadOnly();

    /// <inheritdoc/>
    public override string ToString() => $"{PlanId} v{Version} ({Status.ToWireName()}, {Items.Count} items)";

    /// <summary>The next version of this plan, with the given changes.</summary>
    internal TaskPlan Revise(DateTimeOffset updatedAt, IReadOnlyList<PlanItem>? newItems = null, PlanStatus? status = null, int? confirmedVersion = null) => new()
    {
        PlanId = PlanId,
        Version = Version + 1,
        SourceTaskId = SourceTaskId,
        CreatedBy = CreatedBy,
        Status = status ?? Status,
        Items = newItems ?? Items,
        TemporaryRoles = TemporaryRoles,
        SelectedTemplates = SelectedTemplates,
        PreferredAssignees = PreferredAssignees,
        CreatedAt = CreatedAt,
        UpdatedAt = updatedAt,
        Metadata = Metadata,
        ConfirmedVersion = confirmedVersion ?? ConfirmedVersion,
    };
}

namespace AgentManager.Hosting.Contracts;

/// <summary>An item of a task plan as the original task plan JSON writes it.</summary>
internal sealed class PlanItemBody
{
    public string? Id { get; set; }

    public string? Title { get; set; }

    public string? Description { get; set; }

    public string? Prompt { get; set; }

    public int? Priority { get; set; }

    public List<string?>? Dependencies { get; set; }

    public string? Assignee { get; set; }

    public List<string?>? RequiredSkills { get; set; }

    public string? Workdir { get; set; }

    public string? Verification { get; set; }

    public List<string?>? Resources { get; set; }

    public int? MaxAttempts { get; set; }

    public double? TimeoutSeconds { get; set; }

    public Dictionary<string, string?>? Metadata { get; set; }

    public string? Status { get; set; }
}

/// <summary><c>POST /task-plans</c>.</summary>
internal sealed class NewPlanRequest
{
    public string? PlanId { get; set; }

    public string? SourceTaskId { get; set; }

    public string? CreatedBy { get; set; }

    public List<PlanItemBody?>? Items { get; set; }

    public List<string?>? TemporaryRoles { get; set; }

    public List<string?>? SelectedTemplates { get; set; }

    public List<string?>? PreferredAssignees { get; set; }

    public Dictionary<string, string?>? Metadata { get; set; }
}

/// <summary><c>PUT /task-plans/{id}</c>: the new items, and the version they were edited from (the current one
/// when absent).</summary>
internal sealed class EditPlanRequest
{
    public List<PlanItemBody?>? Items { get; set; }

    public int? Version { get; set; }
}

internal sealed record PlanItemView(
    string Id,
    string Title,
    string? Description,
    string? Prompt,
    int Priority,
    IReadOnlyList<string> Dependencies,
    string? Assignee,
    IReadOnlyList<string> RequiredSkills,
    string? Workdir,
    string? Verification,
    IReadOnlyList<string> Resources,
    int? MaxAttempts,
    double? TimeoutSeconds,
    IReadOnlyDictionary<string, string> Metadata,
    string Status);

internal sealed record PlanView(
    string PlanId,
    int Version,
    string Status,
    string? SourceTaskId,
    string? CreatedBy,
    IReadOnlyList<PlanItemView> Items,
    IReadOnlyList<string> TemporaryRoles,
    IReadOnlyList<string> SelectedTemplates,
    IReadOnlyList<string> PreferredAssignees,
    IReadOnlyList<string> Assignees,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyDictionary<string, string> Metadata,
    int? ConfirmedVersion);

internal sealed record PlanItemChangeView(string ItemId, IReadOnlyList<string> Fields, PlanItemView Before, PlanItemView After);

internal sealed record PlanDiffView(
    string PlanId,
    int FromVersion,
    int ToVersion,
    string FromStatus,
    string ToStatus,
    IReadOnlyList<PlanItemView> Added,
    IReadOnlyList<PlanItemView> Removed,
    IReadOnlyList<PlanItemChangeView> Changed,
    bool Reordered,
    bool HasChanges);

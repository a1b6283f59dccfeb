using System.Text.Json.Serialization;
using AgentManager.Plans;

namespace AgentManager.Persistence.Sqlite;

/// <summary>One stored version of a task plan as the JSON body of its row: the task plan wire names, with
/// statuses as wire names and timeouts in ticks so that nothing is rounded.</summary>
internal sealed class SqlitePlanJson
{
    [JsonPropertyName("plan_id")]
    public string PlanId { get; set; } = "";

    [JsonPropertyName("version")]
    public int Version { get; set; }

    [JsonPropertyName("source_task_id")]
    public string? SourceTaskId { get; set; }

    [JsonPropertyName("created_by")]
    public string? CreatedBy { get; set; }

    [JsonPropertyName("status")]
    public string Status { get; set; } = "";

    [JsonPropertyName("items")]
    public List<SqlitePlanItemJson> Items { get; set; } = [];

    [JsonPropertyName("temporary_roles")]
    public List<string> TemporaryRoles { get; set; } = [];

    [JsonPropertyName("selected_templates")]
    public List<string> SelectedTemplates { get; set; } = [];

    [JsonPropertyName("preferred_assignees")]
    public List<string> PreferredAssignees { get; set; } = [];

    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; set; }

    [JsonPropertyName("updated_at")]
    public DateTimeOffset UpdatedAt { get; set; }

    [JsonPropertyName("metadata")]
    public Dictionary<string, string> Metadata { get; set; } = [];

    [JsonPropertyName("confirmed_version")]
    public int? ConfirmedVersion { get; set; }

    public static SqlitePlanJson From(TaskPlan plan) => new()
    {
        PlanId = plan.PlanId,
        Version = plan.Version,
        SourceTaskId = plan.SourceTaskId,
        CreatedBy = plan.CreatedBy,
        Status = plan.Status.ToWireName(),
        Items = [.. plan.Items.Select(SqlitePlanItemJson.From)],
        TemporaryRoles = [.. plan.TemporaryRoles],
        SelectedTemplates = [.. plan.SelectedTemplates],
        PreferredAssignees = [.. plan.PreferredAssignees],
        CreatedAt = plan.CreatedAt,
        UpdatedAt = plan.UpdatedAt,
        Metadata = new Dictionary<string, string>(plan.Metadata, StringComparer.Ordinal),
        ConfirmedVersion = plan.ConfirmedVersion,
    };

    public TaskPlan ToPlan() => new()
    {
        PlanId = PlanId,
        Version = Version,
        SourceTaskId = SourceTaskId,
        CreatedBy = CreatedBy,
        Status = PlanStatusNames.TryParse(Status, out PlanStatus status) ? status : throw Unknown("plan status", Status),
        Items = [.. Items.Select(item => item.ToItem())],
        TemporaryRoles = TemporaryRoles,
        SelectedTemplates = SelectedTemplates,
        PreferredAssignees = PreferredAssignees,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
        Metadata = Metadata,
        ConfirmedVersion = ConfirmedVersion,
    };

    internal static InvalidOperationException Unknown(string what, string value) =>
        new($"The database holds the {what} '{value}', which this version of AgentManager does not know.");
}

internal sealed class SqlitePlanItemJson : PlanItemFieldsJson
{
    [JsonPropertyName("timeout_ticks")]
    public long? TimeoutTicks { get; set; }

    [JsonPropertyName("metadata")]
    public Dictionary<string, string> Metadata { get; set; } = [];

    [JsonPropertyName("status")]
    public string Status { get; set; } = "";

    public static SqlitePlanItemJson From(PlanItem item) => new()
    {
        Id = item.Id,
        Title = item.Title,
        Description = item.Description,
        Prompt = item.Prompt,
        Priority = item.Priority,
        Dependencies = [.. item.Dependencies],
        Assignee = item.Assignee,
        RequiredSkills = [.. item.RequiredSkills],
        Workdir = item.Workdir,
        Verification = item.Verification,
        Resources = [.. item.Resources],
        MaxAttempts = item.MaxAttempts,
        TimeoutTicks = item.Timeout?.Ticks,
        Metadata = new Dictionary<string, string>(item.Metadata, StringComparer.Ordinal),
        Status = item.Status.ToWireName(),
    };

    public PlanItem ToItem() => new()
    {
        Id = Id ?? "",
        Title = Title ?? "",
        Description = Description,
        Prompt = Prompt,
        Priority = Priority,
        Dependencies = Dependencies ?? [],
        Assignee = Assignee,
        RequiredSkills = RequiredSkills ?? [],
        Workdir = Workdir,
        Verification = Verification,
        Resources = Resources ?? [],
        MaxAttempts = MaxAttempts,
        Timeout = TimeoutTicks is { } ticks ? TimeSpan.FromTicks(ticks) : null,
        Metadata = Metadata,
        Status = PlanStatusNames.TryParse(Status, out PlanItemStatus status) ? status : throw SqlitePlanJson.Unknown("plan item status", Status),
    };
}

/// <summary>Source-generated JSON for <see cref="SqlitePlanJson"/>.</summary>
[JsonSerializable(typeof(SqlitePlanJson))]
internal sealed partial class SqlitePlanJsonContext : JsonSerializerContext;

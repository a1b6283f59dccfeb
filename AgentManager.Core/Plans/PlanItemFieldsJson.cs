using System.Text.Json.Serialization;

namespace AgentManager.Plans;

/// <summary>The fields of a task plan item that plan files and stored plan versions write alike, under the
/// original agentManager wire names. Each format adds its own timeout, metadata and status fields.</summary>
internal abstract class PlanItemFieldsJson
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("title")]
    public string? Title { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("prompt")]
    public string? Prompt { get; set; }

    [JsonPropertyName("priority")]
    public int Priority { get; set; }

    [JsonPropertyName("dependencies")]
    public List<string>? Dependencies { get; set; }

    [JsonPropertyName("assignee")]
    public string? Assignee { get; set; }

    [JsonPropertyName("required_skills")]
    public List<string>? RequiredSkills { get; set; }

    [JsonPropertyName("workdir")]
    public string? Workdir { get; set; }

    [JsonPropertyName("verification")]
    public string? Verification { get; set; }

    [JsonPropertyName("resources")]
    public List<string>? Resources { get; set; }

    [JsonPropertyName("max_attempts")]
    public int? MaxAttempts { get; set; }
}

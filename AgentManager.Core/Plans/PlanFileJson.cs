using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentManager.Plans;

/// <summary>The task-plan JSON of the original agentManager, plus the agents that run it.</summary>
internal sealed class PlanFileJson
{
    [JsonPropertyName("plan_id")]
    public string? PlanId { get; set; }

    [JsonPropertyName("source_task_id")]
    public string? SourceTaskId { get; set; }

    [JsonPropertyName("created_by")]
    public string? CreatedBy { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("items")]
    public List<PlanItemJson>? Items { get; set; }

    [JsonPropertyName("agents")]
    public List<PlanAgentJson>? Agents { get; set; }

    [JsonPropertyName("repair")]
    public PlanRepair? Repair { get; set; }

    [JsonPropertyName("metadata")]
    public Dictionary<string, JsonElement>? Metadata { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}

internal sealed class PlanItemJson : PlanItemFieldsJson
{
    [JsonPropertyName("timeout_seconds")]
    public double? TimeoutSeconds { get; set; }

    [JsonPropertyName("repair")]
    public PlanRepair? Repair { get; set; }

    [JsonPropertyName("metadata")]
    public Dictionary<string, JsonElement>? Metadata { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}

internal sealed class PlanAgentJson
{
    [JsonPropertyName("agent_id")]
    public string? AgentId { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("role")]
    public string? Role { get; set; }

    [JsonPropertyName("layer")]
    public string? Layer { get; set; }

    [JsonPropertyName("runner")]
    public PlanRunnerJson? Runner { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}

internal sealed class PlanRunnerJson
{
    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("command")]
    public List<string>? Command { get; set; }

    [JsonPropertyName("timeout_seconds")]
    public double? TimeoutSeconds { get; set; }

    [JsonPropertyName("env")]
    public Dictionary<string, string>? Env { get; set; }

    [JsonPropertyName("prompt_delivery")]
    public string? PromptDelivery { get; set; }
}

/// <summary>The repair ladder of a plan (top level) or of one item: naming an agent switches its level on.</summary>
internal sealed class PlanRepair
{
    [JsonPropertyName("repair_agent")]
    public string? RepairAgent { get; set; }

    [JsonPropertyName("repair_attempts")]
    public int? RepairAttempts { get; set; }

    [JsonPropertyName("escalation_agent")]
    public string? EscalationAgent { get; set; }

    [JsonPropertyName("escalation_attempts")]
    public int? EscalationAttempts { get; set; }

    [JsonPropertyName("block_for_human")]
    public bool BlockForHuman { get; set; }

    [JsonPropertyName("human_deadline_seconds")]
    public double? HumanDeadlineSeconds { get; set; }

    [JsonPropertyName("deadline_action")]
    public string? DeadlineAction { get; set; }
}

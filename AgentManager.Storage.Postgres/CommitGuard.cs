using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;

namespace AgentManager.Storage.Postgres;

/// <summary>What a commit guard of the schema (<c>check_fencing</c>) reports in the message of its refusal.</summary>
internal sealed record CommitGuard(
    [property: JsonPropertyName("workflow")] string? Workflow,
    [property: JsonPropertyName("held")] long Held,
    [property: JsonPropertyName("current")] long Current,
    [property: JsonPropertyName("owner")] string? Owner)
{
    public static CommitGuard Parse(PostgresException refusal) =>
        JsonSerializer.Deserialize(refusal.MessageText, CommitGuardJson.Default.CommitGuard)
        ?? throw new InvalidOperationException($"The commit guard's refusal '{refusal.MessageText}' has no details.", refusal);
}

[JsonSerializable(typeof(CommitGuard))]
internal sealed partial class CommitGuardJson : JsonSerializerContext;

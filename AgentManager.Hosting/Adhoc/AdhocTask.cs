using System.Text.Json;
using AgentManager.Persistence;

namespace AgentManager.Hosting.Adhoc;

/// <summary>A task of the flat task DAG: its stored record, and the original API's <c>task_type</c> and
/// free-form JSON <c>metadata</c>, which the record has no fields for.</summary>
internal sealed record AdhocTask(TaskRecord Record, string TaskType, JsonElement Metadata);

/// <summary>What a task of the flat task DAG keeps in its workflow's metadata.</summary>
internal sealed record AdhocTaskExtras(string TaskType, JsonElement Metadata);

using System.Text.Json;

namespace AgentManager.Hosting.Contracts;

/// <summary><c>POST /tasks</c>: a task of the flat task DAG of the original API.</summary>
internal sealed class NewAdhocTaskRequest
{
    public string? NodeId { get; set; }

    public string? TaskType { get; set; }

    public List<string?>? Dependencies { get; set; }

    public JsonElement? Metadata { get; set; }
}

/// <summary>A task of the flat task DAG, in the original's shape plus its attempt count, times and last error.</summary>
internal sealed record AdhocTaskView(
    string NodeId,
    string TaskType,
    string Status,
    IReadOnlyList<string> Dependencies,
    JsonElement Metadata,
    int Attempt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? LastError);

/// <summary>The answer of complete, fail, start and cancel on a task of the flat task DAG.</summary>
internal sealed record TaskStatusView(string TaskId, string Status);

/// <summary><c>GET /tasks/ready</c>.</summary>
internal sealed record ReadyTasksView(IReadOnlyList<string> ReadyTasks, int TotalTasks, int RunningTasks);

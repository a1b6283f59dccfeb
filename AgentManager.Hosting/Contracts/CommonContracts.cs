namespace AgentManager.Hosting.Contracts;

/// <summary>An RFC 7807 problem: <c>detail</c> is a sentence; <c>errors</c> lists every offending field of a
/// validation failure.</summary>
internal sealed record ProblemView(string Type, string Title, int Status, string Detail, string? Instance, string? RequestId, IReadOnlyList<ProblemErrorView>? Errors);

/// <summary>One broken rule: which field (and plan item), and what is wrong.</summary>
internal sealed record ProblemErrorView(string? Field, string? ItemId, int? Index, string Message);

/// <summary>One page of a list: the items, how many match in all, and the window.</summary>
internal sealed record PageView<T>(IReadOnlyList<T> Items, int Total, int Limit, int Offset);

/// <summary><c>GET /health</c>, as the original service answered.</summary>
internal sealed record HealthView(string Status, string Version, DateTimeOffset Timestamp);

/// <summary><c>GET /health/live</c> and <c>/health/ready</c>: the overall status and each check's.</summary>
internal sealed record ProbeView(string Status, IReadOnlyDictionary<string, string> Checks);

/// <summary><c>GET /status</c>: the original counters over every stored workflow, and a few more.</summary>
internal sealed record StatusView(
    int TotalTasks,
    int RunningTasks,
    int CompletedTasks,
    int DagNodes,
    long EventsPublished,
    int Workflows,
    int ReadyTasks,
    int BlockedTasks,
    int FailedTasks);

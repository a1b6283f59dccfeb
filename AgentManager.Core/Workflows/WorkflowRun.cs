using System.Diagnostics;
using AgentManager.Execution;
using AgentManager.Graph;
using AgentManager.Persistence;

namespace AgentManager.Workflows;

/// <summary>The engine's live view of one workflow.</summary>
/// <remarks>Mutable state is owned by the engine loop; <see cref="Finished"/> is safe to await from anywhere.</remarks>
internal sealed class WorkflowRun
{
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WorkflowRun(string id, string? name, string workRoot, TaskGraph graph, IReadOnlyDictionary<string, string> metadata, DateTimeOffset createdAt)
    {
        Id = id;
        Name = name;
        WorkRoot = workRoot;
        Graph = graph;
        Metadata = metadata;
        CreatedAt = createdAt;
    }

    public string Id { get; }

    public string? Name { get; }

    public string WorkRoot { get; }

    public TaskGraph Graph { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>Gets or sets the tasks in definition order, which is also the order of their graph indexes.</summary>
    public TaskRuntime[] Tasks { get; set; } = [];

    /// <summary>Gets the tasks by graph index: <see cref="Tasks"/>, since the compiler numbers the graph in definition order.</summary>
    public TaskRuntime[] TasksByIndex => Tasks;

    public WorkflowStatus Status { get; set; } = WorkflowStatus.Created;

    public string? Reason { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public int TerminalCount { get; set; }

    public int FailedCount { get; set; }

    public int InFlightCount { get; set; }

    public bool CancelRequested { get; set; }

    /// <summary>Gets or sets the correlation id of the last request that created, started, resumed or cancelled
    /// the run; its events carry it.</summary>
    public string? CorrelationId { get; set; }

    /// <summary>Gets the workflow's own copy of its budget, if it has one.</summary>
    public UsageBudget? Budget { get; init; }

    /// <summary>Gets or sets what all the workflow's attempts consumed.</summary>
    public AgentUsage Usage { get; set; } = AgentUsage.Zero;

    public CancellationTokenSource? Cancellation { get; set; }

    public Activity? Activity { get; set; }

    public bool Dirty { get; set; }

    /// <summary>Gets or sets the lease this engine holds on the workflow; every commit about it carries its token.</summary>
    public WorkflowLease? Lease { get; set; }

    /// <summary>Gets or sets what became of the lease this engine took over on resume, in words, for the reason of
    /// the transitions that reclaim interrupted attempts.</summary>
    public string? Reclaimed { get; set; }

    /// <summary>Gets or sets whether another engine took the lease over; the run then writes nothing more.</summary>
    public bool LeaseLost { get; set; }

    public Task Finished => _finished.Task;

    public void SignalFinished() => _finished.TrySetResult();

    public void SignalAbandoned(Exception reason) => _finished.TrySetException(reason);

    public WorkflowRecord ToRecord() => new()
    {
        WorkflowId = Id,
        Name = Name,
        Status = Status,
        Reason = Reason,
        CreatedAt = CreatedAt,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
        WorkRoot = WorkRoot,
        Metadata = Metadata,
        Usage = Usage,
        LeaseOwner = Lease?.Owner,
        LeaseExpiresAt = Lease?.ExpiresAt,
        FencingToken = Lease?.Token ?? 0,
    };
}

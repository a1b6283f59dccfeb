using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;

namespace AgentManager.Workflows;

/// <summary>The engine's live view of one task: its compiled definition and its mutable state.</summary>
/// <remarks>Owned by the engine loop; workers only read the immutable part.</remarks>
internal sealed class TaskRuntime
{
    public required WorkflowRun Run { get; init; }

    public required int Index { get; init; }

    public required int Ordinal { get; init; }

    public required string Id { get; init; }

    public string? Title { get; init; }

    public required string Prompt { get; init; }

    public required int Priority { get; init; }

    public required string AgentId { get; init; }

    public required IAgentRunner Runner { get; init; }

    public required IReadOnlyList<string> Dependencies { get; init; }

    public required string[] Resources { get; init; }

    public string? Workdir { get; init; }

    public required int MaxAttempts { get; init; }

    public required TimeSpan Timeout { get; init; }

    public IVerifier? Verifier { get; init; }

    public required IReadOnlyList<string> Artifacts { get; init; }

    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    public TaskState State { get; set; } = TaskState.Pending;

    public int Attempt { get; set; }

    /// <summary>Gets or sets whether a worker is running an attempt (it may still be, after a cancel).</summary>
    public bool InFlight { get; set; }

    public string[] HeldResources { get; set; } = [];

    public string? LastError { get; set; }

    public string? LastOutput { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public long AttemptStartedTimestamp { get; set; }

    public ITimer? RetryTimer { get; set; }

    public bool Dirty { get; set; }

    public TaskRecord ToRecord() => new()
    {
        WorkflowId = Run.Id,
        TaskId = Id,
        Ordinal = Ordinal,
        Title = Title,
        State = State,
        Attempt = Attempt,
        Priority = Priority,
        AgentId = AgentId,
        Dependencies = Dependencies,
        Resources = Resources,
        Workdir = Workdir,
        LastError = LastError,
        LastOutput = LastOutput,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
    };
}

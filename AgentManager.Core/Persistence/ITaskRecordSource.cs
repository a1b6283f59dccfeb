using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Workflows;

namespace AgentManager.Persistence;

/// <summary>The values of a task's whole record, read where they are kept: a <see cref="TaskRecord"/>, or the engine's
/// live task, whose record a <see cref="TaskRecordList"/> makes only when it is read as one.</summary>
/// <remarks>A store of this assembly reads the values straight from here, so that a commit of a large workflow's tasks
/// makes no record per task; a store elsewhere reads the records the list makes, one at a time, each garbage as soon
/// as it is stored. The source must not change from the time it is added to a batch until the batch is committed.
/// Every property means what the <see cref="TaskRecord"/> property of the same name means.</remarks>
internal interface ITaskRecordSource
{
    string WorkflowId { get; }

    string TaskId { get; }

    int Ordinal { get; }

    string? Title { get; }

    TaskState State { get; }

    int Attempt { get; }

    int Priority { get; }

    string? AgentId { get; }

    IReadOnlyList<string> Dependencies { get; }

    IReadOnlyList<string> Resources { get; }

    string? Workdir { get; }

    string? LastError { get; }

    string? LastOutput { get; }

    DateTimeOffset? StartedAt { get; }

    DateTimeOffset? FinishedAt { get; }

    RepairLevel Level { get; }

    int LevelAttempts { get; }

    string? CurrentAgentId { get; }

    DateTimeOffset? DeadlineAt { get; }

    AgentUsage Usage { get; }

    string? LeaseOwner { get; }

    DateTimeOffset? LeaseExpiresAt { get; }

    long FencingToken { get; }

    /// <summary>The values as a record: the record itself, or a new one.</summary>
    TaskRecord ToRecord();
}

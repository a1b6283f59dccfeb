namespace AgentManager.Persistence.Checkpoints;

/// <summary>What one task attempt produced, handed to <see cref="ICheckpointStore.SaveAsync"/>.</summary>
public sealed class CheckpointWrite
{
    /// <summary>Gets the workflow id; it must match <see cref="Ids.Pattern"/>.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Gets the task id; it must match <see cref="Ids.Pattern"/>.</summary>
    public required string TaskId { get; init; }

    /// <summary>Gets the attempt number, from 1.</summary>
    public required int Attempt { get; init; }

    /// <summary>Gets what the agent produced, stored as UTF-8 under <see cref="CheckpointEntryNames.AgentOutput"/>.</summary>
    /// <value>The default, <see langword="null"/>, stores no agent-output entry; an empty string stores an empty one.</value>
    public string? AgentOutput { get; init; }

    /// <summary>Gets what the verification printed, stored as UTF-8 under <see cref="CheckpointEntryNames.VerificationOutput"/>.</summary>
    /// <value>The default, <see langword="null"/>, stores no verification-output entry (use it when no verification ran).</value>
    public string? VerificationOutput { get; init; }

    /// <summary>Gets the task's working directory, the root the <see cref="Artifacts"/> are relative to.</summary>
    /// <value>A fully qualified directory path; required when <see cref="Artifacts"/> is not empty.</value>
    public string? Workdir { get; init; }

    /// <summary>Gets the files the task declared as its artifacts, relative to <see cref="Workdir"/> with
    /// <c>/</c> or <c>\</c> separators. Each is copied into the checkpoint as the entry
    /// <see cref="CheckpointEntryNames.Artifact(string)"/>; one that is missing, leaves the working
    /// directory (see <see cref="Agents.WorkdirPath"/>), is not a regular file, is too large or cannot be
    /// read is recorded with that status instead. A path declared twice is stored once.</summary>
    public IReadOnlyList<string> Artifacts { get; init; } = [];

    /// <summary>Gets free-form metadata kept in the manifest (e.g. the attempt's outcome).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

namespace AgentManager.Persistence.Checkpoints;

/// <summary>Keeps what each task attempt produced (the agent output, the verification output and the
/// artifacts the task declared) outside the state database, which only needs a record's reference.</summary>
/// <remarks>
/// <para>One checkpoint per attempt, written once: a second save for the same workflow, task and attempt
/// is refused. A checkpoint becomes visible all at once, only after every entry and its manifest are
/// stored, so a save interrupted at any point is never read back.</para>
/// <para>The interface names content by string keys and streams so that object stores implement it as
/// naturally as the file system: <see cref="CheckpointEntry.Key"/> is opaque to callers.</para>
/// <para>Implementations must be safe to call from several threads at once.</para>
/// </remarks>
public interface ICheckpointStore
{
    /// <summary>Stores the checkpoint of one attempt. Artifact problems (missing, outside the working
    /// directory, too large, unreadable) never fail the save: they are recorded on the entry.</summary>
    /// <param name="write">What the attempt produced.</param>
    /// <param name="cancellationToken">Cancels the save; nothing becomes visible then.</param>
    /// <returns>The stored record, as <see cref="GetAsync"/> reads it back.</returns>
    /// <exception cref="ArgumentException"><paramref name="write"/> has an invalid id, an attempt below 1,
    /// or declares artifacts without a fully qualified <see cref="CheckpointWrite.Workdir"/>.</exception>
    /// <exception cref="InvalidOperationException">The attempt already has a checkpoint.</exception>
    Task<CheckpointRecord> SaveAsync(CheckpointWrite write, CancellationToken cancellationToken);

    /// <summary>Reads the checkpoint of one attempt.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="taskId">The task id.</param>
    /// <param name="attempt">The attempt number, from 1.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record, or <see langword="null"/> when the attempt has no (complete) checkpoint.</returns>
    /// <exception cref="CheckpointSchemaException">The stored manifest has a schema version this version
    /// of AgentManager cannot read.</exception>
    /// <exception cref="InvalidDataException">The stored manifest is damaged; the message names it.</exception>
    Task<CheckpointRecord?> GetAsync(string workflowId, string taskId, int attempt, CancellationToken cancellationToken);

    /// <summary>Lists the checkpoints of a workflow, ordered by task id (ordinal) and then attempt.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="taskId">Only this task's, or every task's when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records; empty for an unknown workflow or task.</returns>
    /// <exception cref="CheckpointSchemaException">A stored manifest has a schema version this version of
    /// AgentManager cannot read.</exception>
    /// <exception cref="InvalidDataException">A stored manifest is damaged; the message names it.</exception>
    Task<IReadOnlyList<CheckpointRecord>> ListAsync(string workflowId, string? taskId, CancellationToken cancellationToken);

    /// <summary>Opens the stored content of one entry for reading. The caller disposes the stream.</summary>
    /// <param name="record">A record this store returned.</param>
    /// <param name="entryName">The entry's <see cref="CheckpointEntry.Name"/>, e.g.
    /// <see cref="CheckpointEntryNames.AgentOutput"/>.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>A readable stream over exactly <see cref="CheckpointEntry.Size"/> bytes.</returns>
    /// <exception cref="ArgumentException">The record has no entry of that name, or its key is not one
    /// of this store's.</exception>
    /// <exception cref="InvalidOperationException">The entry was not stored (see
    /// <see cref="CheckpointEntry.Status"/>), or its content no longer exists (the workflow was deleted).</exception>
    Task<Stream> OpenContentAsync(CheckpointRecord record, string entryName, CancellationToken cancellationToken);

    /// <summary>Deletes every checkpoint of a workflow and its content.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="cancellationToken">Cancels the deletion before it starts.</param>
    /// <returns>How many checkpoints were deleted; 0 for an unknown workflow.</returns>
    Task<int> DeleteWorkflowAsync(string workflowId, CancellationToken cancellationToken);
}

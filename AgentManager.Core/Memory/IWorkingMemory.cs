namespace AgentManager.Memory;

/// <summary>Short-lived key/value memory, one space per workflow, each value with an optional time to live
/// measured on the <see cref="TimeProvider"/>.</summary>
/// <remarks>A value whose time is up is invisible from that instant (it expires at
/// <see cref="WorkingMemoryEntry.ExpiresAt"/>, inclusive) and is purged by later writes or by
/// <see cref="PurgeExpiredAsync"/>. Keys are compared ordinally. Implementations are safe to call from
/// several threads.</remarks>
public interface IWorkingMemory
{
    /// <summary>Sets a value, replacing the one under the same key and its time to live.</summary>
    /// <param name="workflowId">The workflow; a valid id (see <see cref="Ids"/>).</param>
    /// <param name="key">The key; not blank.</param>
    /// <param name="value">The value.</param>
    /// <param name="timeToLive">How long the value lasts; positive, or <see langword="null"/> to keep it until removed.</param>
    /// <param name="cancellationToken">Cancels the write before it is applied.</param>
    /// <returns>The stored entry.</returns>
    /// <exception cref="ArgumentException">The workflow id is invalid or the key blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeToLive"/> is zero or negative.</exception>
    Task<WorkingMemoryEntry> SetAsync(string workflowId, string key, string value, TimeSpan? timeToLive, CancellationToken cancellationToken);

    /// <summary>Reads a value.</summary>
    /// <param name="workflowId">The workflow.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entry, or <see langword="null"/> when there is none or it has expired.</returns>
    Task<WorkingMemoryEntry?> GetAsync(string workflowId, string key, CancellationToken cancellationToken);

    /// <summary>Removes a value.</summary>
    /// <param name="workflowId">The workflow.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when a live value was removed.</returns>
    Task<bool> RemoveAsync(string workflowId, string key, CancellationToken cancellationToken);

    /// <summary>Lists a workflow's live values, ordered by key (ordinal).</summary>
    /// <param name="workflowId">The workflow.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries; empty for an unknown workflow.</returns>
    Task<IReadOnlyList<WorkingMemoryEntry>> ListAsync(string workflowId, CancellationToken cancellationToken);

    /// <summary>Removes every value of a workflow, for example when it ends.</summary>
    /// <param name="workflowId">The workflow.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many live values were removed.</returns>
    Task<int> ClearAsync(string workflowId, CancellationToken cancellationToken);

    /// <summary>Deletes every expired value of every workflow.</summary>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many values were deleted.</returns>
    Task<int> PurgeExpiredAsync(CancellationToken cancellationToken);
}

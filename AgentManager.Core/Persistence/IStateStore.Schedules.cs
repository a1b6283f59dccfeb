namespace AgentManager.Persistence;

/// <summary>The schedule records of a state store.</summary>
public partial interface IStateStore
{
    /// <summary>Lists every schedule record, ordered by schedule id (ordinal).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    Task<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(CancellationToken cancellationToken);

    /// <summary>Reads one schedule record.</summary>
    /// <param name="scheduleId">The schedule id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record, or <see langword="null"/> when there is none.</returns>
    Task<ScheduleRecord?> GetScheduleAsync(string scheduleId, CancellationToken cancellationToken);

    /// <summary>Stores a schedule record if nothing changed it since it was read: a record with
    /// <see cref="ScheduleRecord.Revision"/> 0 is inserted when the id is free, any other is stored when the
    /// stored revision is the same.</summary>
    /// <param name="record">The record, with the revision it was read at.</param>
    /// <param name="cancellationToken">Cancels the write before it is applied.</param>
    /// <returns>The stored record with its revision one higher, or <see langword="null"/> when the revision
    /// did not match (another write came first, or the record was deleted); nothing is stored then.</returns>
    Task<ScheduleRecord?> TrySaveScheduleAsync(ScheduleRecord record, CancellationToken cancellationToken);

    /// <summary>Deletes a schedule record. Its workflows are left alone.</summary>
    /// <param name="scheduleId">The schedule id.</param>
    /// <param name="cancellationToken">Cancels the write before it is applied.</param>
    /// <returns><see langword="true"/> when the record existed.</returns>
    Task<bool> DeleteScheduleAsync(string scheduleId, CancellationToken cancellationToken);
}

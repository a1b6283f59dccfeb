namespace AgentManager.Memory;

/// <summary>Where long-term memory records and their vectors are kept and searched by cosine similarity.</summary>
/// <remarks>
/// <para>Every vector in an index has the same dimension, set by the first upsert into an empty index;
/// a vector of another dimension (in an upsert or a query) is refused with a
/// <see cref="VectorDimensionMismatchException"/> naming both. Vectors are compared by direction only.</para>
/// <para>Implementations are safe to call from several threads, and apply an upsert or delete batch all
/// or nothing. Results are ordered by score, highest first; ties go to the newer record, then to the
/// lower id (ordinal).</para>
/// </remarks>
public interface IVectorIndex
{
    /// <summary>Adds records, or replaces the records with the same ids, as one batch.</summary>
    /// <param name="entries">The records with their vectors; an id may appear once per batch.</param>
    /// <param name="cancellationToken">Cancels the upsert before it is applied.</param>
    /// <returns>A task that completes when the batch is stored.</returns>
    /// <exception cref="ArgumentException">An id appears twice, or a vector is empty, all zeros, or not finite;
    /// nothing was stored.</exception>
    /// <exception cref="VectorDimensionMismatchException">A vector's dimension differs from the others' or the
    /// index's; nothing was stored.</exception>
    Task UpsertAsync(IReadOnlyCollection<VectorEntry> entries, CancellationToken cancellationToken);

    /// <summary>Deletes records by id; unknown ids are ignored.</summary>
    /// <param name="ids">The ids.</param>
    /// <param name="cancellationToken">Cancels the delete before it is applied.</param>
    /// <returns>How many records were deleted.</returns>
    Task<int> DeleteAsync(IEnumerable<string> ids, CancellationToken cancellationToken);

    /// <summary>Reads one record.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record, or <see langword="null"/> when there is none.</returns>
    Task<MemoryRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Finds the records closest to a vector among those that pass a filter.</summary>
    /// <param name="vector">The query vector; an all-zero query has no direction and finds nothing.</param>
    /// <param name="topK">The most results to return; at least 1.</param>
    /// <param name="filter">The records to consider, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>Up to <paramref name="topK"/> results, highest score first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">The vector is empty or not finite.</exception>
    /// <exception cref="VectorDimensionMismatchException">The index holds vectors of another dimension.</exception>
    Task<IReadOnlyList<MemorySearchResult>> SearchAsync(ReadOnlyMemory<float> vector, int topK, MemoryFilter? filter, CancellationToken cancellationToken);

    /// <summary>Counts the records that pass a filter.</summary>
    /// <param name="filter">The records to count, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the count.</param>
    /// <returns>The count.</returns>
    Task<long> CountAsync(MemoryFilter? filter, CancellationToken cancellationToken);
}

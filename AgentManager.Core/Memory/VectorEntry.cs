namespace AgentManager.Memory;

/// <summary>A record with its embedding, as handed to <see cref="IVectorIndex.UpsertAsync"/>.</summary>
public sealed class VectorEntry
{
    /// <summary>Creates an entry.</summary>
    /// <param name="record">The record.</param>
    /// <param name="vector">Its embedding; finite and not all zeros.</param>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    public VectorEntry(MemoryRecord record, ReadOnlyMemory<float> vector)
    {
        ArgumentNullException.ThrowIfNull(record);
        Record = record;
        Vector = vector;
    }

    /// <summary>Gets the record.</summary>
    public MemoryRecord Record { get; }

    /// <summary>Gets the embedding. Indexes compare directions only (cosine similarity), so its length does not matter.</summary>
    public ReadOnlyMemory<float> Vector { get; }
}

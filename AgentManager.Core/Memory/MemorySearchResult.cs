namespace AgentManager.Memory;

/// <summary>A record found by a search, with how close it is to the query.</summary>
public sealed class MemorySearchResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="record">The record.</param>
    /// <param name="score">The cosine similarity to the query.</param>
    public MemorySearchResult(MemoryRecord record, double score)
    {
        ArgumentNullException.ThrowIfNull(record);
        Record = record;
        Score = score;
    }

    /// <summary>Gets the record.</summary>
    public MemoryRecord Record { get; }

    /// <summary>Gets the cosine similarity between the query and the record's vector, from -1 (opposite) to 1 (same direction).</summary>
    public double Score { get; }

    /// <inheritdoc/>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Record} ({Score:0.000})");
}

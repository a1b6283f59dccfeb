namespace AgentManager.Memory;

/// <summary>Thrown when a vector's dimension differs from that of the vectors an index already holds, for
/// example after switching to an embedding model of another size without starting a new index.</summary>
public sealed class VectorDimensionMismatchException : AgentManagerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="expected">The dimension of the vectors in the index.</param>
    /// <param name="actual">The dimension of the offending vector.</param>
    /// <param name="what">What the offending vector is, for example <c>the query</c> or <c>record 'x'</c>.</param>
    public VectorDimensionMismatchException(int expected, int actual, string what)
        : base($"The vector of {what} has {actual} dimensions, but the index holds vectors of {expected} dimensions; embed with the model that filled the index, or use a new index.")
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>Gets the dimension of the vectors in the index.</summary>
    public int Expected { get; }

    /// <summary>Gets the dimension of the offending vector.</summary>
    public int Actual { get; }
}

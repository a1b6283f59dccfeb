namespace AgentManager.Memory;

/// <summary>The vector arithmetic every index in Core shares, so that they score and order identically:
/// vectors are stored at unit length and a score is the dot product of unit vectors (cosine similarity).</summary>
internal static class VectorMath
{
    /// <summary>Checks a vector to be stored and returns a unit-length copy.</summary>
    public static float[] NormalizeStored(ReadOnlySpan<float> vector, string what)
    {
        var norm = Norm(vector, what);
        if (norm == 0)
        {
            throw new ArgumentException($"The vector of {what} is all zeros; it has no direction to compare.");
        }

        return Scale(vector, norm);
    }

    /// <summary>Checks a query vector; returns a unit-length copy, or <see langword="null"/> for an all-zero query.</summary>
    public static float[]? NormalizeQuery(ReadOnlySpan<float> vector)
    {
        var norm = Norm(vector, "the query");
        return norm == 0 ? null : Scale(vector, norm);
    }

    /// <summary>The cosine similarity of two unit vectors of the same length, clamped to [-1, 1].</summary>
    public static double Score(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return Math.Clamp(sum, -1.0, 1.0);
    }

    /// <summary>Checks that every vector of a batch has the index's dimension (or, in an empty index, the
    /// first vector's), and returns that dimension.</summary>
    public static int CheckDimensions(IEnumerable<(string Id, int Length)> vectors, int indexDimensions)
    {
        var expected = indexDimensions;
        foreach (var (id, length) in vectors)
        {
            if (expected == 0)
            {
                expected = length;
            }
            else if (length != expected)
            {
                throw new VectorDimensionMismatchException(expected, length, $"record '{id}'");
            }
        }

        return expected;
    }

    /// <summary>Checks the ids of a batch: each present once.</summary>
    public static void CheckDistinctIds(IEnumerable<VectorEntry> entries)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
            if (!seen.Add(entry.Record.Id))
            {
                throw new ArgumentException($"The record id '{entry.Record.Id}' appears twice in one upsert; nothing was stored.", nameof(entries));
            }
        }
    }

    private static double Norm(ReadOnlySpan<float> vector, string what)
    {
        if (vector.IsEmpty)
        {
            throw new ArgumentException($"The vector of {what} is empty.");
        }

        double sum = 0;
        foreach (var value in vector)
        {
            if (!float.IsFinite(value))
            {
                throw new ArgumentException($"The vector of {what} holds {value}; every component must be a finite number.");
            }

            sum += (double)value * value;
        }

        return Math.Sqrt(sum);
    }

    private static float[] Scale(ReadOnlySpan<float> vector, double norm)
    {
        var unit = new float[vector.Length];
        for (var i = 0; i < vector.Length; i++)
        {
            unit[i] = (float)(vector[i] / norm);
        }

        return unit;
    }
}

/// <summary>Keeps the best <c>k</c> candidates of a scan: highest score, then newest, then lowest id.</summary>
/// <typeparam name="T">What is kept with each candidate.</typeparam>
internal sealed class TopK<T>
{
    private readonly int _k;
    private readonly PriorityQueue<Candidate, Candidate> _worstFirst;

    public TopK(int k)
    {
        _k = k;
        _worstFirst = new PriorityQueue<Candidate, Candidate>(Math.Min(k, 1024), Comparer<Candidate>.Create(static (a, b) => Compare(b, a)));
    }

    public void Offer(double score, long createdUtcTicks, string id, T item)
    {
        var candidate = new Candidate(score, createdUtcTicks, id, item);
        if (_worstFirst.Count < _k)
        {
            _worstFirst.Enqueue(candidate, candidate);
        }
        else if (Compare(candidate, _worstFirst.Peek()) < 0)
        {
            _worstFirst.DequeueEnqueue(candidate, candidate);
        }
    }

    /// <summary>The kept candidates, best first.</summary>
    public List<(double Score, T Item)> Best()
    {
        var all = new List<Candidate>(_worstFirst.Count);
        while (_worstFirst.TryDequeue(out var candidate, out _))
        {
            all.Add(candidate);
        }

        all.Reverse();
        return all.ConvertAll(c => (c.Score, c.Item));
    }

    /// <summary>Negative when <paramref name="a"/> ranks before (is better than) <paramref name="b"/>.</summary>
    private static int Compare(Candidate a, Candidate b)
    {
        var byScore = b.Score.CompareTo(a.Score);
        if (byScore != 0)
        {
            return byScore;
        }

        var byAge = b.CreatedUtcTicks.CompareTo(a.CreatedUtcTicks);
        return byAge != 0 ? byAge : string.CompareOrdinal(a.Id, b.Id);
    }

    private readonly record struct Candidate(double Score, long CreatedUtcTicks, string Id, T Item);
}

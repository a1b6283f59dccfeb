using System.Globalization;

namespace AgentManager.Execution;

/// <summary>Keeps the last <c>capacity</c> characters of a stream of text and counts the rest, so unbounded
/// output costs bounded memory.</summary>
internal sealed class TailBuffer
{
    private const int InitialLength = 1024;

    private readonly int capacity;
    private char[] buffer = [];

    // While count < capacity the text is linear from index 0; once full, it is a ring starting at start.
    private int start;
    private int count;
    private long total;

    public TailBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        this.capacity = capacity;
    }

    /// <summary>Gets the number of characters held in memory, never more than the capacity.</summary>
    public int AllocatedLength => buffer.Length;

    public void Append(ReadOnlySpan<char> chars)
    {
        total += chars.Length;
        if (chars.Length >= capacity)
        {
            Grow(capacity);
            chars[^capacity..].CopyTo(buffer);
            start = 0;
            count = capacity;
            return;
        }

        if (count + chars.Length <= capacity)
        {
            Grow(count + chars.Length);
            chars.CopyTo(buffer.AsSpan(count));
            count += chars.Length;
            return;
        }

        Grow(capacity);
        var write = (start + count) % capacity;
        var first = Math.Min(chars.Length, capacity - write);
        chars[..first].CopyTo(buffer.AsSpan(write));
        chars[first..].CopyTo(buffer);
        start = (start + count + chars.Length - capacity) % capacity;
        count = capacity;
    }

    /// <summary>The kept text, prefixed by a truncation marker when characters were dropped.</summary>
    public override string ToString()
    {
        var firstPart = Math.Min(count, capacity - start);
        var tail = string.Concat(buffer.AsSpan(start, firstPart), buffer.AsSpan(0, count - firstPart));
        var truncated = total - tail.Length;
        if (truncated == 0)
        {
            return tail;
        }

        // Never start the tail with the second half of a surrogate pair.
        if (char.IsLowSurrogate(tail[0]))
        {
            tail = tail[1..];
            truncated++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"[... {truncated} characters truncated]\n{tail}");
    }

    private void Grow(int needed)
    {
        if (buffer.Length >= needed)
        {
            return;
        }

        var length = Math.Min(capacity, Math.Max(needed, Math.Max(InitialLength, buffer.Length * 2)));
        Array.Resize(ref buffer, length);
    }
}

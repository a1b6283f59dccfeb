namespace AgentManager.Workflows;

/// <summary>A <see cref="DateTimeOffset"/> kept as two fields of the object that holds it: its UTC ticks and its offset
/// in minutes (10 bytes where a <see cref="DateTimeOffset"/> field takes 16 and a nullable one 24), for objects made
/// once per task: summaries and the in-memory store's rows. Whether it is set is a bit of the holder's.</summary>
internal static class CompactTime
{
    /// <summary>Gets the parts of <paramref name="value"/> (0 and 0 for none).</summary>
    public static (long UtcTicks, short OffsetMinutes) Split(DateTimeOffset? value) =>
        value is { } time ? (time.UtcTicks, (short)time.TotalOffsetMinutes) : (0, 0);

    /// <summary>Gets a held time: <see langword="null"/> unless <paramref name="bit"/> is set in <paramref name="set"/>.</summary>
    public static DateTimeOffset? Get(byte set, byte bit, long utcTicks, short offsetMinutes) =>
        (set & bit) != 0 ? Join(utcTicks, offsetMinutes) : null;

    /// <summary>Stores <paramref name="value"/> in a holder's fields and its bit in <paramref name="set"/>.</summary>
    public static void Put(ref byte set, byte bit, ref long utcTicks, ref short offsetMinutes, DateTimeOffset? value)
    {
        (utcTicks, offsetMinutes) = Split(value);
        set = (byte)(value.HasValue ? set | bit : set & ~bit);
    }

    /// <summary>Gets the time back from its parts: equal to the one split, offset included.</summary>
    public static DateTimeOffset Join(long utcTicks, short offsetMinutes) =>
        new(utcTicks + (offsetMinutes * TimeSpan.TicksPerMinute), TimeSpan.FromMinutes(offsetMinutes));
}

using Npgsql;

namespace AgentManager.Storage.Postgres;

/// <summary>Stores a <see cref="DateTimeOffset"/> as two columns, UTC ticks (<c>bigint</c>) and the offset in minutes
/// (<c>smallint</c>): ordering works in SQL, and the value comes back exactly, offset and 100 ns ticks included.</summary>
internal static class PostgresTime
{
    public static long? Ticks(DateTimeOffset? value) => value?.UtcTicks;

    public static short? Offset(DateTimeOffset? value) => value is { } v ? (short)v.Offset.TotalMinutes : null;

    public static DateTimeOffset? Read(NpgsqlDataReader reader, int ticksColumn) => reader.IsDBNull(ticksColumn)
        ? null
        : new DateTimeOffset(reader.GetInt64(ticksColumn), TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(reader.GetInt16(ticksColumn + 1)));
}

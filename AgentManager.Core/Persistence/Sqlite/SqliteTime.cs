using Microsoft.Data.Sqlite;

namespace AgentManager.Persistence.Sqlite;

/// <summary>Stores a <see cref="DateTimeOffset"/> as two integer columns, UTC ticks and the offset in
/// minutes, so that ordering works in SQL and the offset survives the round trip.</summary>
internal static class SqliteTime
{
    public static void Bind(SqliteParameter ticks, SqliteParameter offset, DateTimeOffset? value)
    {
        ticks.Value = value is { } v ? v.UtcTicks : DBNull.Value;
        offset.Value = value is { } o ? (int)o.Offset.TotalMinutes : DBNull.Value;
    }

    public static DateTimeOffset? Read(SqliteDataReader reader, int ticksColumn)
    {
        if (reader.IsDBNull(ticksColumn))
        {
            return null;
        }

        var offset = TimeSpan.FromMinutes(reader.GetInt32(ticksColumn + 1));
        return new DateTimeOffset(reader.GetInt64(ticksColumn), TimeSpan.Zero).ToOffset(offset);
    }
}

using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace AgentManager.Persistence.Sqlite;

/// <summary>One statement prepared once on a connection's SQLite handle and bound by position. Through
/// <see cref="SqliteCommand"/> every row of a commit looked up each parameter by name and made a reader
/// object, most of a small commit's time.</summary>
internal sealed class SqliteRawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    // Text is encoded here rather than by SQLitePCL's string overload, which allocates per value; SQLite
    // copies the bytes (SQLITE_TRANSIENT), so the buffer is reused at once.
    private byte[] _utf8 = new byte[256];

    public SqliteRawStatement(sqlite3 db, string sql)
    {
        _db = db;
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(db, sql, out _statement), db);
    }

    public SqliteRawStatement Text(int index, string? value)
    {
        if (value is null)
        {
            return Null(index);
        }

        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (length > _utf8.Length)
        {
            _utf8 = new byte[Math.Max(length, 2 * _utf8.Length)];
        }

        var written = Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, written)));
        return this;
    }

    public SqliteRawStatement Int(int index, long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, index, value));
        return this;
    }

    public SqliteRawStatement Int(int index, long? value) => value is { } v ? Int(index, v) : Null(index);

    /// <summary>Binds a time to two parameters, UTC ticks at <paramref name="index"/> and the offset in
    /// minutes after it (see <see cref="SqliteTime"/>).</summary>
    public SqliteRawStatement Time(int index, DateTimeOffset? value)
    {
        if (value is not { } time)
        {
            return Null(index).Null(index + 1);
        }

        return Int(index, time.UtcTicks).Int(index + 1, (long)time.Offset.TotalMinutes);
    }

    /// <summary>Runs a statement that returns no row; the number of rows it changed.</summary>
    public int Execute()
    {
        try
        {
            var result = raw.sqlite3_step(_statement);
            if (result != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(result, _db);
            }

            return raw.sqlite3_changes(_db);
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>Steps to the next row; <see langword="false"/> when there is none. The caller reads the row
    /// with the column methods and then calls <see cref="Reset"/>.</summary>
    public bool Step()
    {
        var result = raw.sqlite3_step(_statement);
        if (result is not (raw.SQLITE_ROW or raw.SQLITE_DONE))
        {
            Reset();
            SqliteException.ThrowExceptionForRC(result, _db);
        }

        return result == raw.SQLITE_ROW;
    }

    public bool ColumnIsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    public long ColumnInt64(int column) => raw.sqlite3_column_int64(_statement, column);

    public int ColumnInt32(int column) => raw.sqlite3_column_int(_statement, column);

    public string? ColumnText(int column) => ColumnIsNull(column) ? null : raw.sqlite3_column_text(_statement, column).utf8_to_string();

    /// <summary>The UTF-8 bytes of a text column, valid until the next step or reset.</summary>
    public ReadOnlySpan<byte> ColumnUtf8(int column) => raw.sqlite3_column_blob(_statement, column);

    /// <summary>Clears the bindings and makes the statement ready to run again.</summary>
    public void Reset()
    {
        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
    }

    public void Dispose() => _statement.Dispose();

    private SqliteRawStatement Null(int index)
    {
        Check(raw.sqlite3_bind_null(_statement, index));
        return this;
    }

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, _db);
        }
    }
}

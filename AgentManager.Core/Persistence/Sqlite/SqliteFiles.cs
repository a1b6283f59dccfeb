using Microsoft.Data.Sqlite;

namespace AgentManager.Persistence.Sqlite;

/// <summary>Connection settings shared by AgentManager's SQLite files (state store and memory): created
/// when missing, pooled, private cache, foreign keys on, and a busy timeout for other processes' locks.</summary>
internal static class SqliteFiles
{
    public static string ConnectionString(string fullPath, TimeSpan busyTimeout) => new SqliteConnectionStringBuilder
    {
        DataSource = fullPath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
        ForeignKeys = true,
        DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
    }.ToString();
}

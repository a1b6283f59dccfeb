using Microsoft.Data.Sqlite;

namespace AgentManager.Tests.Persistence;

/// <summary>Measures an SQLite file the way its growth matters: after the WAL is folded back into it.</summary>
internal static class SqliteFileSize
{
    public static async Task<long> AfterCheckpointAsync(string path)
    {
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await checkpoint.ExecuteNonQueryAsync();
        }

        return new FileInfo(path).Length;
    }
}

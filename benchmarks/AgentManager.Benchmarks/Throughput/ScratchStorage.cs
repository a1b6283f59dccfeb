namespace AgentManager.Benchmarks.Throughput;

/// <summary>What a benchmark run stores on its own and removes after it: a SQLite file's directory, a PostgreSQL
/// schema.</summary>
internal static class ScratchStorage
{
    /// <summary>Runs one statement on a connection of its own, outside the store (ANALYZE, DROP SCHEMA).</summary>
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Drops a run's schema with everything in it.</summary>
    public static Task DropSchemaAsync(string connectionString, string schema) =>
        ExecuteAsync(connectionString, $"DROP SCHEMA \"{schema}\" CASCADE");

    /// <summary>Deletes a run's SQLite directory once no pooled connection holds its files.</summary>
    public static void DeleteSqliteDirectory(string directory)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}

using Microsoft.Data.Sqlite;

namespace AgentManager.Tests.Persistence;

/// <summary>Measures an SQLite database the way its growth matters.</summary>
internal static class SqliteFileSize
{
    /// <summary>The database's size in pages, free pages included, whether or not they are still in the WAL: the
    /// size the file has once checkpointed, without depending on a checkpoint that a busy writer can cut short.</summary>
    public static async Task<long> PagesAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        using var size = connection.CreateCommand();
        size.CommandText = "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size();";
        return (long)(await size.ExecuteScalarAsync())!;
    }
}

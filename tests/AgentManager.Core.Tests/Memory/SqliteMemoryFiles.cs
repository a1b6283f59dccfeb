using AgentManager.Memory.Sqlite;
using Microsoft.Data.Sqlite;

namespace AgentManager.Tests.Memory;

/// <summary>Temporary memory database files for one test class; <see cref="DeleteAllAsync"/> closes every
/// database it opened and deletes the files.</summary>
internal sealed class SqliteMemoryFiles
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentmanager-memory-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteMemoryDatabase> _databases = [];

    /// <summary>A database file path, in a nested directory that does not exist yet.</summary>
    public string PathOf(string name = "memory") => Path.Combine(_directory, "nested", name + ".db");

    public SqliteMemoryDatabase Open(string name = "memory")
    {
        var database = new SqliteMemoryDatabase(new SqliteMemoryOptions { Path = PathOf(name) });
        _databases.Add(database);
        return database;
    }

    public async Task DeleteAllAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

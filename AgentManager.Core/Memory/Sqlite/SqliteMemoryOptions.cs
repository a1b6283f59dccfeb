namespace AgentManager.Memory.Sqlite;

/// <summary>Settings of the embedded SQLite memory database, which holds the vector index, the task history
/// and the working memory in one file, apart from the state store's.</summary>
public sealed class SqliteMemoryOptions
{
    /// <summary>Gets or sets the database file; its directory is created when missing. It must not be the
    /// state store's file: a file of another kind is refused when first used.</summary>
    /// <value>The default is <c>agentmanager-memory.db</c> in the current directory.</value>
    public string Path { get; set; } = "agentmanager-memory.db";

    /// <summary>Gets or sets how long a connection waits for a lock held by another process before failing.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

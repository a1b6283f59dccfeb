namespace AgentManager.Persistence.Sqlite;

/// <summary>Settings of the embedded SQLite state store.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>Gets or sets the database file; its directory is created when missing.</summary>
    /// <value>The default is <c>agentmanager.db</c> in the current directory.</value>
    public string Path { get; set; } = "agentmanager.db";

    /// <summary>Gets or sets how long a connection waits for a lock held by another process before failing.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

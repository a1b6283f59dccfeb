using System.Globalization;
using Microsoft.Data.Sqlite;

namespace AgentManager.Memory.Sqlite;

/// <summary>Brings a memory database to the current schema version, one embedded script per version, recorded
/// in <c>PRAGMA user_version</c>. A newer database, or a file that is not a memory database (such as the
/// state store's), is refused rather than misread.</summary>
internal static class SqliteMemoryMigrations
{
    /// <summary>The <c>PRAGMA application_id</c> of memory databases, set by the first script.</summary>
    public const int ApplicationId = 0x414D656D;

    private static readonly string[] Scripts = ["001_memory"];

    public static int CurrentVersion => Scripts.Length;

    public static async Task ApplyAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var version = await IntAsync(connection, "PRAGMA user_version;", cancellationToken).ConfigureAwait(false);
        var applicationId = await IntAsync(connection, "PRAGMA application_id;", cancellationToken).ConfigureAwait(false);
        var tables = await IntAsync(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table';", cancellationToken).ConfigureAwait(false);
        if ((version > 0 || tables > 0) && applicationId != ApplicationId)
        {
            throw new InvalidOperationException($"The database '{connection.DataSource}' is not an AgentManager memory database (it may be the state store's file); give the memory its own file.");
        }

        if (version > CurrentVersion)
        {
            throw new InvalidOperationException($"The memory database '{connection.DataSource}' has schema version {version}, newer than {CurrentVersion} which this version of AgentManager understands; upgrade AgentManager.");
        }

        for (var next = version; next < CurrentVersion; next++)
        {
            var sql = await ReadScriptAsync(Scripts[next], cancellationToken).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction();
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = sql + $"\nPRAGMA user_version = {next + 1};";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            transaction.Commit();
        }
    }

    private static async Task<int> IntAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static async Task<string> ReadScriptAsync(string name, CancellationToken cancellationToken)
    {
        using var stream = typeof(SqliteMemoryMigrations).Assembly.GetManifestResourceStream($"AgentManager.Memory.Sqlite.{name}.sql")
            ?? throw new InvalidOperationException($"The memory migration script '{name}' is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }
}

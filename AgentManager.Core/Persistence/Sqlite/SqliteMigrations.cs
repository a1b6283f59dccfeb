using Microsoft.Data.Sqlite;

namespace AgentManager.Persistence.Sqlite;

/// <summary>Brings a database to the current schema version, one embedded script per version, recorded in
/// <c>PRAGMA user_version</c>. A database newer than this code is refused rather than misread.</summary>
internal static class SqliteMigrations
{
    private static readonly string[] Scripts = ["001_initial", "002_repair_and_inbox", "003_schedules", "004_event_details", "005_leases_and_outbox", "006_decision_correlation", "007_transition_correlation", "008_running_workflows", "009_schedule_plans", "010_workflow_requests", "011_workflow_status"];

    public static int CurrentVersion => Scripts.Length;

    public static async Task ApplyAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        for (var next = await VersionAsync(connection, null, cancellationToken).ConfigureAwait(false); next < CurrentVersion; next++)
        {
            // BEGIN IMMEDIATE takes the write lock first, so that two connections (the state store and the
            // plan store, or two processes) opening a new file never apply one script twice.
            using var transaction = connection.BeginTransaction(deferred: false);
            if (await VersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false) > next)
            {
                continue;
            }

            var sql = await ReadScriptAsync(Scripts[next], cancellationToken).ConfigureAwait(false);
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = sql + $"\nPRAGMA user_version = {next + 1};";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            transaction.Commit();
        }
    }

    private static async Task<int> VersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        var version = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        return version > CurrentVersion
            ? throw new InvalidOperationException($"The database '{connection.DataSource}' has schema version {version}, newer than {CurrentVersion} which this version of AgentManager understands; upgrade AgentManager.")
            : version;
    }

    private static async Task<string> ReadScriptAsync(string name, CancellationToken cancellationToken)
    {
        using var stream = typeof(SqliteMigrations).Assembly.GetManifestResourceStream($"AgentManager.Sqlite.{name}.sql")
            ?? throw new InvalidOperationException($"The migration script '{name}' is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }
}

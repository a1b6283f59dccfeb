using System.Globalization;
using Npgsql;

namespace AgentManager.Storage.Postgres;

/// <summary>Brings a schema to the current version, one embedded script per version, recorded in the schema's
/// <c>schema_migrations</c> table. All of it runs in one transaction under an advisory lock on the schema name, so
/// hosts starting together never apply a script twice; a schema newer than this code is refused rather than
/// misread.</summary>
internal static class PostgresMigrations
{
    private static readonly string[] Scripts = ["001_initial", "002_memory", "003_running_workflows", "004_schedule_plans", "005_workflow_requests", "006_workflow_status"];

    public static int CurrentVersion => Scripts.Length;

    /// <summary>Gets the scripts' names, version 1 first.</summary>
    public static IReadOnlyList<string> ScriptNames => Scripts;

    public static async Task ApplyAsync(NpgsqlConnection connection, PostgresDatabase database, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext('agentmanager.migrations.' || @schema))", cancellationToken, database.Schema).ConfigureAwait(false);
            await ExecuteAsync(connection, database.Sql("""
                CREATE SCHEMA IF NOT EXISTS {schema};
                CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
                """), cancellationToken).ConfigureAwait(false);
            var version = await VersionAsync(connection, database, cancellationToken).ConfigureAwait(false);
            if (version > CurrentVersion)
            {
                throw new InvalidOperationException(
                    $"The PostgreSQL schema '{database.Schema}' has version {version}, newer than {CurrentVersion} which this version of AgentManager understands; upgrade AgentManager.Storage.Postgres.");
            }

            for (var next = version; next < CurrentVersion; next++)
            {
                var script = await ReadScriptAsync(Scripts[next], cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, database.Sql(script), cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(
                    connection,
                    database.Sql("INSERT INTO {schema}.schema_migrations (version) VALUES (" + (next + 1).ToString(CultureInfo.InvariantCulture) + ")"),
                    cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> VersionAsync(NpgsqlConnection connection, PostgresDatabase database, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(database.Sql("SELECT coalesce(max(version), 0) FROM {schema}.schema_migrations"), connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, string? schema = null)
    {
        using var command = new NpgsqlCommand(sql, connection);
        if (schema is not null)
        {
            command.Parameters.AddWithValue("schema", schema);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string> ReadScriptAsync(string name, CancellationToken cancellationToken)
    {
        using var stream = typeof(PostgresMigrations).Assembly.GetManifestResourceStream($"AgentManager.Postgres.{name}.sql")
            ?? throw new InvalidOperationException($"The migration script '{name}' is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }
}

namespace AgentManager.Storage.Postgres.Tests;

/// <summary>The SQL that makes a schema as an earlier version of the package left it: its migration scripts up to a
/// version, and their rows in <c>schema_migrations</c>.</summary>
internal static class EarlierSchema
{
    public static string Sql(string schema, int version)
    {
        var quoted = $"\"{schema}\"";
        var scripts = PostgresMigrations.ScriptNames.Take(version).Select(name =>
        {
            using var reader = new StreamReader(typeof(PostgresStateStore).Assembly.GetManifestResourceStream($"AgentManager.Postgres.{name}.sql")!);
            return reader.ReadToEnd().Replace("{schema}", quoted, StringComparison.Ordinal);
        });
        var versions = string.Join(", ", Enumerable.Range(1, version).Select(v => $"({v})"));
        return $"""
            CREATE SCHEMA {quoted};
            CREATE TABLE {quoted}.schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            {string.Join("\n", scripts)}
            INSERT INTO {quoted}.schema_migrations (version) VALUES {versions};
            """;
    }
}

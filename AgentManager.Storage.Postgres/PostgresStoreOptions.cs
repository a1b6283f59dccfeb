using System.Text.RegularExpressions;
using Npgsql;

namespace AgentManager.Storage.Postgres;

/// <summary>Settings of the PostgreSQL state store and task plan store.</summary>
public sealed partial class PostgresStoreOptions
{
    /// <summary>The schema used when <see cref="Schema"/> is not set.</summary>
    public const string DefaultSchema = "agentmanager";

    /// <summary>Gets or sets the connection string (Npgsql syntax). Leave it and <see cref="DataSource"/> unset to use
    /// the <see cref="NpgsqlDataSource"/> registered in the service provider (for example by Npgsql's
    /// <c>AddNpgsqlDataSource</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets a data source the host already owns; the stores use it and never dispose it.</summary>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <summary>Gets or sets the schema that holds AgentManager's tables; it is created when missing. Hosts that should
    /// run one workload together use the same database and schema.</summary>
    /// <value>The default is <c>agentmanager</c>. A lowercase SQL identifier: a letter or underscore, then letters,
    /// digits or underscores, at most 63 characters.</value>
    public string Schema { get; set; } = DefaultSchema;

    /// <summary>Gets or sets how long a commit of the engine is tried again after a transient failure (the connection
    /// broke, the server restarts or is failing over) before the failure reaches the engine. A commit sent again
    /// carries the same id, so one that was stored before its connection broke is not stored twice.</summary>
    /// <value>The default is 30 seconds; <see cref="TimeSpan.Zero"/> tries each commit once.</value>
    public TimeSpan CommitRetryTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets whether the state store tells the engines of every host, through PostgreSQL's
    /// <c>LISTEN</c>/<c>NOTIFY</c>, that a human decision or a start or cancel request was stored for one of their
    /// workflows, so that the engine running it acts at once instead of at its next poll
    /// (<c>AgentManagerOptions.InboxPollInterval</c>). Each host listening keeps one connection of the pool open for it.
    /// Turn it off behind a pooler that does not carry <c>LISTEN</c> (PgBouncer in transaction mode): the polls still
    /// carry everything out.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ListenNotify { get; set; } = true;

    /// <summary>Throws when the options cannot work, naming the value and the rule.</summary>
    internal void Validate()
    {
        if (Schema is null || !SchemaPattern().IsMatch(Schema))
        {
            throw new ArgumentException(
                $"PostgresStoreOptions.Schema '{Schema}' is not a lowercase SQL identifier: it must start with a letter or underscore, continue with letters, digits or underscores, and be at most 63 characters.",
                nameof(Schema));
        }

        if (CommitRetryTime < TimeSpan.Zero)
        {
            throw new ArgumentException($"PostgresStoreOptions.CommitRetryTime is {CommitRetryTime}; it must be zero (no retry) or positive.", nameof(CommitRetryTime));
        }

        if (ConnectionString is not null && DataSource is not null)
        {
            throw new ArgumentException("PostgresStoreOptions sets both ConnectionString and DataSource; set one of them (or neither, to use the NpgsqlDataSource of the service provider).");
        }

        if (ConnectionString is not null)
        {
            if (string.IsNullOrWhiteSpace(ConnectionString))
            {
                throw new ArgumentException("PostgresStoreOptions.ConnectionString is blank; it must be an Npgsql connection string such as 'Host=db;Username=app;Database=app'.", nameof(ConnectionString));
            }

            try
            {
                _ = new NpgsqlConnectionStringBuilder(ConnectionString);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"PostgresStoreOptions.ConnectionString is not a valid Npgsql connection string: {ex.Message}", nameof(ConnectionString), ex);
            }
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaPattern();
}

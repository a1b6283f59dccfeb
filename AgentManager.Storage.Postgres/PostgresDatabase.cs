using Npgsql;

namespace AgentManager.Storage.Postgres;

/// <summary>The database the PostgreSQL stores share: the data source, the schema, and the migrations, applied once
/// per process before the first statement.</summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly bool _ownsDataSource;
    private readonly SemaphoreSlim _migrateLock = new(1, 1);
    private volatile bool _migrated;

    public PostgresDatabase(NpgsqlDataSource dataSource, string schema, bool ownsDataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        DataSource = dataSource;
        Schema = schema;
        _ownsDataSource = ownsDataSource;
    }

    public NpgsqlDataSource DataSource { get; }

    public string Schema { get; }

    /// <summary>Gets how long a commit is tried again after a transient failure (<see cref="PostgresStoreOptions.CommitRetryTime"/>).</summary>
    public TimeSpan CommitRetryTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets whether the state store signals stored decisions and requests (<see cref="PostgresStoreOptions.ListenNotify"/>).</summary>
    public bool ListenNotify { get; init; }

    /// <summary>Gets the clock of the retries' waits.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Replaces <c>{schema}</c> in SQL text with the quoted schema name.</summary>
    public string Sql(string text) => text.Replace("{schema}", "\"" + Schema + "\"", StringComparison.Ordinal);

    /// <summary>Opens a pooled connection on a migrated database.</summary>
    public async ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_migrated)
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        return await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await DataSource.DisposeAsync().ConfigureAwait(false);
        }

        _migrateLock.Dispose();
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await _migrateLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_migrated)
            {
                var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    await PostgresMigrations.ApplyAsync(connection, this, cancellationToken).ConfigureAwait(false);
                }

                _migrated = true;
            }
        }
        finally
        {
            _migrateLock.Release();
        }
    }
}

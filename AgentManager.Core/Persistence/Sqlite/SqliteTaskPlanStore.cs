using System.Text.Json;
using AgentManager.Plans;
using Microsoft.Data.Sqlite;

namespace AgentManager.Persistence.Sqlite;

/// <summary>The durable <see cref="ITaskPlanStore"/>: every version of every plan in the state store's SQLite
/// file (tables <c>task_plans</c> and <c>task_plan_versions</c>). Each write is one transaction on a
/// dedicated writer connection; reads use pooled connections.</summary>
internal sealed class SqliteTaskPlanStore : ITaskPlanStore, IAsyncDisposable, IDisposable
{
    private const string VersionSelect = "SELECT v.body FROM task_plan_versions v JOIN task_plans p ON p.plan_id = v.plan_id";

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _connectionString;
    private readonly string _path;
    private SqliteConnection? _writer;

    public SqliteTaskPlanStore(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            throw new ArgumentException("SqliteStoreOptions.Path is blank; it must name the database file.", nameof(options));
        }

        _path = Path.GetFullPath(options.Path);
        _connectionString = SqliteFiles.ConnectionString(_path, options.BusyTimeout);
    }

    public Task AddAsync(TaskPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return WriteAsync(
            (connection, transaction) =>
            {
                using var insert = Command(connection, transaction, """
                    INSERT INTO task_plans (plan_id, current_version, created_ticks, created_offset)
                    VALUES ($id, $version, $created_ticks, $created_offset) ON CONFLICT (plan_id) DO NOTHING
                    """, ("$id", plan.PlanId), ("$version", plan.Version));
                SqliteTime.Bind(insert.Parameters.Add(new SqliteParameter("$created_ticks", null)), insert.Parameters.Add(new SqliteParameter("$created_offset", null)), plan.CreatedAt);
                if (insert.ExecuteNonQuery() == 0)
                {
                    throw PlanStoreErrors.AlreadyExists(plan.PlanId, CurrentVersion(connection, transaction, plan.PlanId)!.Value);
                }

                InsertVersion(connection, transaction, plan);
            },
            cancellationToken);
    }

    public Task UpdateAsync(TaskPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return WriteAsync(
            (connection, transaction) =>
            {
                var current = CurrentVersion(connection, transaction, plan.PlanId) ?? throw new PlanNotFoundException(plan.PlanId);
                if (plan.Version != current + 1)
                {
                    throw PlanStoreErrors.NotNextVersion(plan.PlanId, current, plan.Version);
                }

                using var update = Command(connection, transaction, "UPDATE task_plans SET current_version = $version WHERE plan_id = $id", ("$id", plan.PlanId), ("$version", plan.Version));
                update.ExecuteNonQuery();
                InsertVersion(connection, transaction, plan);
            },
            cancellationToken);
    }

    public async Task<TaskPlan?> GetAsync(string planId, int? version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(planId);
        var plans = await ReadAsync(
            VersionSelect + " WHERE v.plan_id = $id AND v.version = COALESCE($version, p.current_version)",
            cancellationToken,
            ("$id", planId),
            ("$version", version)).ConfigureAwait(false);
        return plans.Count == 0 ? null : plans[0];
    }

    public Task<IReadOnlyList<TaskPlan>> ListAsync(CancellationToken cancellationToken) =>
        ReadAsync(VersionSelect + " WHERE v.version = p.current_version ORDER BY p.created_ticks, p.plan_id", cancellationToken);

    public async Task<bool> DeleteAsync(string planId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(planId);
        var deleted = false;
        await WriteAsync(
            (connection, transaction) =>
            {
                using var delete = Command(connection, transaction, "DELETE FROM task_plans WHERE plan_id = $id", ("$id", planId));
                deleted = delete.ExecuteNonQuery() == 1;
            },
            cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            Dispose();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }

    private static void InsertVersion(SqliteConnection connection, SqliteTransaction transaction, TaskPlan plan)
    {
        using var insert = Command(connection, transaction, """
            INSERT INTO task_plan_versions (plan_id, version, status, confirmed_version, updated_ticks, updated_offset, body)
            VALUES ($id, $version, $status, $confirmed, $updated_ticks, $updated_offset, $body)
            """,
            ("$id", plan.PlanId),
            ("$version", plan.Version),
            ("$status", plan.Status.ToWireName()),
            ("$confirmed", plan.ConfirmedVersion),
            ("$body", JsonSerializer.Serialize(SqlitePlanJson.From(plan), SqlitePlanJsonContext.Default.SqlitePlanJson)));
        SqliteTime.Bind(insert.Parameters.Add(new SqliteParameter("$updated_ticks", null)), insert.Parameters.Add(new SqliteParameter("$updated_offset", null)), plan.UpdatedAt);
        insert.ExecuteNonQuery();
    }

    private static int? CurrentVersion(SqliteConnection connection, SqliteTransaction transaction, string planId)
    {
        using var select = Command(connection, transaction, "SELECT current_version FROM task_plans WHERE plan_id = $id", ("$id", planId));
        return select.ExecuteScalar() is long version ? (int)version : null;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private async Task WriteAsync(Action<SqliteConnection, SqliteTransaction> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var writer = await OpenWriterAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = writer.BeginTransaction(deferred: false);
            work(writer, transaction);
            transaction.Commit();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<IReadOnlyList<TaskPlan>> ReadAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        if (Volatile.Read(ref _writer) is null)
        {
            await WriteAsync((_, _) => { }, cancellationToken).ConfigureAwait(false);
        }

        var connection = new SqliteConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(connection, null, sql, parameters);
            var plans = new List<TaskPlan>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    plans.Add(JsonSerializer.Deserialize(reader.GetString(0), SqlitePlanJsonContext.Default.SqlitePlanJson)!.ToPlan());
                }
            }

            return plans.AsReadOnly();
        }
    }

    private async Task<SqliteConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        if (_writer is not null)
        {
            return _writer;
        }

        var directory = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var writer = new SqliteConnection(_connectionString);
        try
        {
            await writer.OpenAsync(cancellationToken).ConfigureAwait(false);
            using (var pragma = writer.CreateCommand())
            {
                pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
                await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await SqliteMigrations.ApplyAsync(writer, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        Volatile.Write(ref _writer, writer);
        return writer;
    }
}

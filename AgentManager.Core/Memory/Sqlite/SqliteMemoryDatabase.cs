using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using AgentManager.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace AgentManager.Memory.Sqlite;

/// <summary>The memory database file shared by <see cref="SqliteVectorIndex"/>, <see cref="SqliteTaskHistory"/>
/// and <see cref="SqliteWorkingMemory"/>: WAL mode, one dedicated writer connection whose prepared statements
/// are reused by every write (each write one transaction), and pooled connections for reads.</summary>
internal sealed class SqliteMemoryDatabase : IAsyncDisposable, IDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private readonly string _connectionString;
    private readonly string _path;
    private SqliteConnection? _writer;

    public SqliteMemoryDatabase(SqliteMemoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            throw new ArgumentException("SqliteMemoryOptions.Path is blank; it must name the database file.", nameof(options));
        }

        _path = System.IO.Path.GetFullPath(options.Path);
        _connectionString = SqliteFiles.ConnectionString(_path, options.BusyTimeout);
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction on the writer connection, committing when it returns.</summary>
    public async Task<T> WriteAsync<T>(Func<Writer, T> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var writer = await OpenWriterAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = writer.BeginTransaction();
            var result = work(new Writer(this, transaction));
            transaction.Commit();
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> on a pooled connection inside a read transaction, so that every
    /// statement in it sees the same snapshot.</summary>
    public async Task<T> ReadAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var connection = new SqliteConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction(deferred: true);
            var result = work(connection);
            transaction.Commit();
            return result;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            DisposeWriter();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => DisposeWriter();

    public static byte[] ToBlob(float[] vector)
    {
        var blob = new byte[vector.Length * sizeof(float)];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(vector.AsSpan()).CopyTo(blob);
        }
        else
        {
            for (var i = 0; i < vector.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(blob.AsSpan(i * sizeof(float)), vector[i]);
            }
        }

        return blob;
    }

    /// <summary>Reads a float32 little-endian blob into <paramref name="vector"/>, reusing <paramref name="buffer"/>.</summary>
    public static void ReadVector(SqliteDataReader reader, int column, byte[] buffer, float[] vector)
    {
        var length = reader.GetBytes(column, 0, buffer, 0, buffer.Length);
        if (length != buffer.Length)
        {
            throw new InvalidOperationException($"A stored vector has {length} bytes where {buffer.Length} were expected; the memory database is damaged.");
        }

        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(buffer).CopyTo(vector);
        }
        else
        {
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] = BinaryPrimitives.ReadSingleLittleEndian(buffer.AsSpan(i * sizeof(float)));
            }
        }
    }

    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _writer) is not null)
        {
            return;
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<SqliteConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        if (_writer is not null)
        {
            return _writer;
        }

        var directory = System.IO.Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var writer = new SqliteConnection(_connectionString);
        try
        {
            await writer.OpenAsync(cancellationToken).ConfigureAwait(false);
            await SqliteMemoryMigrations.ApplyAsync(writer, cancellationToken).ConfigureAwait(false);
            using (var pragma = writer.CreateCommand())
            {
                pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
                await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        Volatile.Write(ref _writer, writer);
        return writer;
    }

    private void DisposeWriter()
    {
        foreach (var command in _prepared.Values)
        {
            command.Dispose();
        }

        _prepared.Clear();
        _writer?.Dispose();
        _writer = null;
    }

    /// <summary>The writer connection inside one write transaction: prepared statements, created on first use
    /// and reused by later writes.</summary>
    internal readonly struct Writer(SqliteMemoryDatabase database, SqliteTransaction transaction)
    {
        public SqliteConnection Connection => database._writer!;

        public SqliteTransaction Transaction => transaction;

        /// <summary>Binds the parameters (named as in the SQL) of a prepared statement and runs it.</summary>
        public int Execute(string sql, params (string Name, object? Value)[] parameters)
        {
            var command = Prepared(sql, parameters);
            return command.ExecuteNonQuery();
        }

        public object? Scalar(string sql, params (string Name, object? Value)[] parameters)
        {
            var command = Prepared(sql, parameters);
            return command.ExecuteScalar();
        }

        private SqliteCommand Prepared(string sql, (string Name, object? Value)[] parameters)
        {
            if (!database._prepared.TryGetValue(sql, out var command))
            {
                command = database._writer!.CreateCommand();
                command.CommandText = sql;
                foreach (var (name, _) in parameters)
                {
                    command.Parameters.Add(new SqliteParameter(name, null));
                }

                command.Prepare();
                database._prepared.Add(sql, command);
            }

            command.Transaction = transaction;
            foreach (var (name, value) in parameters)
            {
                command.Parameters[name].Value = value ?? DBNull.Value;
            }

            return command;
        }
    }
}

/// <summary>Source-generated JSON for the list and map columns of the memory database.</summary>
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class SqliteMemoryJson : JsonSerializerContext;

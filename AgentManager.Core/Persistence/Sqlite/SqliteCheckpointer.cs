using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace AgentManager.Persistence.Sqlite;

/// <summary>Copies the WAL into the database file on a thread and connection of its own, so that the writer
/// rarely pays for a checkpoint. With SQLite's automatic checkpoint every 1,000 pages, one commit in about 40
/// copied the WAL and synced both files inside its COMMIT (8–9 ms each, about a quarter of the time spent committing in a
/// 20,000-task run).</summary>
/// <remarks>The checkpoints here are PASSIVE: they never wait for or block the writer or readers. SQLite
/// starts the WAL over only when a writer begins while every frame is copied, which a busy writer rarely
/// sees, so the writer keeps an automatic checkpoint of <see cref="WriterCheckpointPages"/> as a bound: when
/// it runs, the frames before the last background checkpoint are already copied. Durability does not change:
/// a commit is as durable as before (WAL, synchronous=NORMAL); a checkpoint still syncs the WAL before it
/// copies it.</remarks>
internal sealed class SqliteCheckpointer : IDisposable
{
    /// <summary>The WAL size, in pages, at which the writer checkpoints itself.</summary>
    public const int WriterCheckpointPages = 4000;

    // About 640 WAL pages at ~10 pages per small commit (~64 rows), so the files are synced about as often
    // as SQLite's default of 1,000 pages would, only not on the writer's thread.
    private const int CommitsPerCheckpoint = 64;
    private const int RowsPerCheckpoint = 4096;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly Lock _startLock = new();
    private int _commits;
    private int _rows;
    private int _requested;
    private long _copiedFrames;
    private volatile bool _stopping;
    private Thread? _thread;

    public SqliteCheckpointer(string connectionString) => _connectionString = connectionString;

    /// <summary>How many WAL frames the background checkpoints have copied so far (tests wait on it).</summary>
    public long CopiedFrames => Interlocked.Read(ref _copiedFrames);

    /// <summary>Called by the writer after each commit (under its write lock) with the rows it wrote; asks
    /// for a checkpoint every <see cref="CommitsPerCheckpoint"/> commits or <see cref="RowsPerCheckpoint"/>
    /// rows.</summary>
    public void Committed(int rows)
    {
        _rows += rows;
        if (++_commits < CommitsPerCheckpoint && _rows < RowsPerCheckpoint)
        {
            return;
        }

        _commits = 0;
        _rows = 0;
        if (Interlocked.Exchange(ref _requested, 1) == 0)
        {
            EnsureStarted();
            _signal.Release();
        }
    }

    public void Dispose()
    {
        _stopping = true;
        Thread? thread;
        lock (_startLock)
        {
            thread = _thread;
        }

        if (thread is not null)
        {
            if (Interlocked.Exchange(ref _requested, 1) == 0)
            {
                _signal.Release();
            }

            thread.Join();
        }

        _signal.Dispose();
    }

    private void EnsureStarted()
    {
        lock (_startLock)
        {
            if (_thread is not null || _stopping)
            {
                return;
            }

            _thread = new Thread(Run) { IsBackground = true, Name = "AgentManager SQLite checkpoint" };
            _thread.Start();
        }
    }

    private void Run()
    {
        try
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();

            // A connection that has read nothing does not know the file is in WAL mode yet, and its checkpoints
            // do nothing.
            using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT count(*) FROM sqlite_master";
                read.ExecuteScalar();
            }

            var db = connection.Handle!;
            while (true)
            {
                _signal.Wait();
                if (_stopping)
                {
                    return;
                }

                Volatile.Write(ref _requested, 0);

                // BUSY (another connection is checkpointing) or an I/O error leaves the frames for the next
                // checkpoint or the writer's own; nothing is lost either way.
                if (raw.sqlite3_wal_checkpoint_v2(db, "main", raw.SQLITE_CHECKPOINT_PASSIVE, out _, out var copied) == raw.SQLITE_OK)
                {
                    Interlocked.Add(ref _copiedFrames, copied);
                }
            }
        }
        catch (SqliteException)
        {
            // The file could not be opened here: the writer's own automatic checkpoint still bounds the WAL.
        }
    }
}

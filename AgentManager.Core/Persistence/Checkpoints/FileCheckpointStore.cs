using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AgentManager.Agents;

namespace AgentManager.Persistence.Checkpoints;

/// <summary>The default checkpoint store: one directory per attempt under a root directory.</summary>
/// <remarks>
/// <para>Layout: <c>&lt;root&gt;/&lt;workflow&gt;/&lt;task&gt;/attempt-&lt;n&gt;/</c> holding
/// <c>manifest.json</c>, <c>agent-output.txt</c>, <c>verification-output.txt</c> and
/// <c>artifact-001.&lt;ext&gt;</c>…; a key is the path of a content file relative to the root, with
/// <c>/</c>. An id made only of <c>a-z 0-9 _ -</c> (at most 64 characters) is its own directory name;
/// any other (upper case, <c>.</c>, <c>:</c>, long) becomes a readable prefix, <c>~</c> and 16 hex digits of
/// its SHA-256, so ids like <c>..</c>, <c>a:b</c> or <c>A</c> next to <c>a</c> are safe on every system.</para>
/// <para>A save writes every entry and then the manifest into a hidden staging directory next to the
/// attempt's, flushed to disk, and renames it into place: a reader sees the whole checkpoint or none.
/// An attempt directory without a manifest (damaged by hand) is invisible and replaced by the next save.</para>
/// </remarks>
internal sealed class FileCheckpointStore : ICheckpointStore
{
    private const string AttemptPrefix = "attempt-";
    private const string StagingPrefix = ".staging-";
    private const string TrashPrefix = ".trash-";
    private const string DeletingPrefix = ".deleting-";
    private const int MaxPlainSegment = 64;
    private const int BufferSize = 81920;

    private readonly Lock[] _publishLocks = [.. Enumerable.Range(0, 32).Select(_ => new Lock())];
    private readonly long _maxEntryBytes;
    private readonly TimeProvider _time;

    public FileCheckpointStore(FileCheckpointStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        Validate(options);
        RootDirectory = WorkdirPath.NormalizeRoot(options.RootDirectory);
        _maxEntryBytes = options.MaxEntryBytes;
        _time = time;
    }

    /// <summary>Gets the fully qualified root directory.</summary>
    public string RootDirectory { get; }

    public static void Validate(FileCheckpointStoreOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.RootDirectory))
        {
            throw new ArgumentException("FileCheckpointStoreOptions.RootDirectory is blank; it must name the directory that holds the checkpoints.", nameof(options));
        }

        if (options.MaxEntryBytes < 0)
        {
            throw new ArgumentException($"FileCheckpointStoreOptions.MaxEntryBytes is {options.MaxEntryBytes}; it must not be negative.", nameof(options));
        }
    }

    public async Task<CheckpointRecord> SaveAsync(CheckpointWrite write, CancellationToken cancellationToken)
    {
        CheckpointSource.Validate(write);
        cancellationToken.ThrowIfCancellationRequested();
        var location = Locate(write.WorkflowId, write.TaskId, write.Attempt);
        if (File.Exists(location.Manifest))
        {
            throw AlreadyExists(write, location);
        }

        var sources = CheckpointSource.Plan(write);
        Directory.CreateDirectory(location.TaskDirectory);
        var staging = Path.Join(location.TaskDirectory, StagingPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        try
        {
            var entries = new List<CheckpointEntry>(sources.Count);
            var artifactNumber = 0;
            foreach (var source in sources)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var fileName = source.ContentFileName(source.Kind == CheckpointEntryKind.Artifact ? ++artifactNumber : 0);
                entries.Add(await WriteEntryAsync(source, Path.Join(staging, fileName), location.Key + "/" + fileName, cancellationToken).ConfigureAwait(false));
            }

            var record = CheckpointManifest.Record(write, entries, _time.GetUtcNow());
            var manifest = CheckpointManifest.Serialize(record);
            var stream = Create(Path.Join(staging, CheckpointManifest.FileName));
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(manifest, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            cancellationToken.ThrowIfCancellationRequested();
            Publish(staging, location, write);
            return record;
        }
        catch
        {
            TryDeleteDirectory(staging);
            throw;
        }
    }

    public Task<CheckpointRecord?> GetAsync(string workflowId, string taskId, int attempt, CancellationToken cancellationToken)
    {
        Ids.ThrowIfInvalid(workflowId);
        Ids.ThrowIfInvalid(taskId);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var location = Locate(workflowId, taskId, attempt);
        return ReadManifestAsync(location.Manifest, Segment(workflowId), Segment(taskId), attempt, cancellationToken);
    }

    public async Task<IReadOnlyList<CheckpointRecord>> ListAsync(string workflowId, string? taskId, CancellationToken cancellationToken)
    {
        Ids.ThrowIfInvalid(workflowId);
        if (taskId is not null)
        {
            Ids.ThrowIfInvalid(taskId);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var workflowSegment = Segment(workflowId);
        var workflowDirectory = Path.Join(RootDirectory, workflowSegment);
        var taskSegments = taskId is null
            ? SubdirectoryNames(workflowDirectory).Where(name => !name.StartsWith('.'))
            : [Segment(taskId)];
        var records = new List<CheckpointRecord>();
        foreach (var taskSegment in taskSegments)
        {
            foreach (var attemptName in SubdirectoryNames(Path.Join(workflowDirectory, taskSegment)))
            {
                if (!attemptName.StartsWith(AttemptPrefix, StringComparison.Ordinal)
                    || !int.TryParse(attemptName.AsSpan(AttemptPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var attempt)
                    || attempt < 1
                    || attemptName != AttemptName(attempt))
                {
                    continue;
                }

                var manifest = Path.Join(workflowDirectory, taskSegment, attemptName, CheckpointManifest.FileName);
                var record = await ReadManifestAsync(manifest, workflowSegment, taskSegment, attempt, cancellationToken).ConfigureAwait(false);
                if (record is not null)
                {
                    records.Add(record);
                }
            }
        }

        records.Sort(static (a, b) =>
        {
            var byTask = string.CompareOrdinal(a.TaskId, b.TaskId);
            return byTask != 0 ? byTask : a.Attempt.CompareTo(b.Attempt);
        });
        return records;
    }

    public Task<Stream> OpenContentAsync(CheckpointRecord record, string entryName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(entryName);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<Stream>(cancellationToken);
        }

        try
        {
            return Task.FromResult<Stream>(OpenContent(record, entryName));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            return Task.FromException<Stream>(ex);
        }
    }

    public Task<int> DeleteWorkflowAsync(string workflowId, CancellationToken cancellationToken)
    {
        Ids.ThrowIfInvalid(workflowId);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<int>(cancellationToken);
        }

        var workflowDirectory = Path.Join(RootDirectory, Segment(workflowId));
        var doomed = Path.Join(RootDirectory, DeletingPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            // Renamed first, so readers see every checkpoint of the workflow or none.
            Directory.Move(workflowDirectory, doomed);
        }
        catch (DirectoryNotFoundException)
        {
            return Task.FromResult(0);
        }

        var count = 0;
        foreach (var task in SubdirectoryNames(doomed).Where(name => !name.StartsWith('.')))
        {
            count += SubdirectoryNames(Path.Join(doomed, task))
                .Count(attempt => attempt.StartsWith(AttemptPrefix, StringComparison.Ordinal) && File.Exists(Path.Join(doomed, task, attempt, CheckpointManifest.FileName)));
        }

        Directory.Delete(doomed, recursive: true);
        return Task.FromResult(count);
    }

    /// <summary>Gets the directory name of an id: the id itself when it is short and made of
    /// <c>a-z 0-9 _ -</c> only; otherwise a readable prefix, <c>~</c> and 16 hex digits of its SHA-256.</summary>
    internal static string Segment(string id)
    {
        if (id.Length <= MaxPlainSegment && id.All(IsPlain))
        {
            return id;
        }

        var name = new StringBuilder(MaxPlainSegment + 1);
        foreach (var c in id.AsSpan(0, Math.Min(id.Length, 47)))
        {
            var lower = char.ToLowerInvariant(c);
            name.Append(IsPlain(lower) ? lower : '_');
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
        return name.Append('~').Append(hash.AsSpan(0, 16)).ToString();
    }

    private static bool IsPlain(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-';

    private static string AttemptName(int attempt) => AttemptPrefix + attempt.ToString(CultureInfo.InvariantCulture);

    private static FileStream Create(string path) =>
        new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);

    private static IEnumerable<string> SubdirectoryNames(string directory)
    {
        try
        {
            return [.. Directory.EnumerateDirectories(directory).Select(d => Path.GetFileName(d))];
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left behind: staging and trash directories are hidden from readers and go with their workflow.
        }
    }

    private static InvalidOperationException AlreadyExists(CheckpointWrite write, Location location) =>
        new($"Attempt {write.Attempt} of task '{write.TaskId}' in workflow '{write.WorkflowId}' already has a checkpoint ('{location.Manifest}'); a checkpoint is written once.");

    private async Task<CheckpointEntry> WriteEntryAsync(CheckpointSource source, string path, string key, CancellationToken cancellationToken)
    {
        if (source.Skipped is not null)
        {
            return source.Skipped;
        }

        CheckpointEntry entry;
        var stream = Create(path);
        await using (stream.ConfigureAwait(false))
        {
            entry = await source.CopyToAsync(stream, key, _maxEntryBytes, cancellationToken).ConfigureAwait(false);
            if (entry.Status == CheckpointEntryStatus.Stored)
            {
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
        }

        if (entry.Status != CheckpointEntryStatus.Stored)
        {
            File.Delete(path);
        }

        return entry;
    }

    private void Publish(string staging, Location location, CheckpointWrite write)
    {
        var stripe = (uint)StringComparer.Ordinal.GetHashCode(location.Key) % (uint)_publishLocks.Length;
        lock (_publishLocks[stripe])
        {
            if (Directory.Exists(location.AttemptDirectory))
            {
                if (File.Exists(location.Manifest))
                {
                    throw AlreadyExists(write, location);
                }

                // Without a manifest the directory was never a visible checkpoint: set it aside and replace it.
                var trash = Path.Join(location.TaskDirectory, TrashPrefix + Guid.NewGuid().ToString("N"));
                Directory.Move(location.AttemptDirectory, trash);
                TryDeleteDirectory(trash);
            }

            try
            {
                Directory.Move(staging, location.AttemptDirectory);
            }
            catch (IOException) when (File.Exists(location.Manifest))
            {
                throw AlreadyExists(write, location);
            }
        }
    }

    private static async Task<CheckpointRecord?> ReadManifestAsync(string path, string workflowSegment, string taskSegment, int attempt, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        var record = CheckpointManifest.Deserialize(bytes, path);
        if (Segment(record.WorkflowId) != workflowSegment || Segment(record.TaskId) != taskSegment || record.Attempt != attempt)
        {
            throw new InvalidDataException(
                $"The checkpoint manifest '{path}' belongs to attempt {record.Attempt} of task '{record.TaskId}' in workflow '{record.WorkflowId}', not to the directory it is in; was it moved by hand?");
        }

        return record;
    }

    private FileStream OpenContent(CheckpointRecord record, string entryName)
    {
        var entry = record.FindEntry(entryName) ?? throw new ArgumentException(
            $"The checkpoint of attempt {record.Attempt} of task '{record.TaskId}' in workflow '{record.WorkflowId}' has no entry '{entryName}'; its entries are: {string.Join(", ", record.Entries.Select(e => e.Name))}.",
            nameof(entryName));
        if (entry.Status != CheckpointEntryStatus.Stored || entry.Key is null)
        {
            throw new InvalidOperationException($"The entry '{entryName}' of attempt {record.Attempt} of task '{record.TaskId}' in workflow '{record.WorkflowId}' has no content ({entry.Status}): {entry.Error}");
        }

        var expectedPrefix = Locate(record.WorkflowId, record.TaskId, record.Attempt).Key + "/";
        if (!entry.Key.StartsWith(expectedPrefix, StringComparison.Ordinal)
            || entry.Key.Length == expectedPrefix.Length
            || !WorkdirPath.TryResolve(RootDirectory, entry.Key, out var path, out var error))
        {
            throw new ArgumentException(
                $"The key '{entry.Key}' of entry '{entryName}' is not a content key of attempt {record.Attempt} of task '{record.TaskId}' in workflow '{record.WorkflowId}' in the checkpoint store at '{RootDirectory}'.",
                nameof(record));
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidOperationException(
                $"The content of entry '{entryName}' of attempt {record.Attempt} of task '{record.TaskId}' in workflow '{record.WorkflowId}' no longer exists at '{path}'; was the workflow's checkpoints deleted?",
                ex);
        }
    }

    private Location Locate(string workflowId, string taskId, int attempt)
    {
        var workflowSegment = Segment(workflowId);
        var taskSegment = Segment(taskId);
        var attemptName = AttemptName(attempt);
        var taskDirectory = Path.Join(RootDirectory, workflowSegment, taskSegment);
        var attemptDirectory = Path.Join(taskDirectory, attemptName);
        return new Location(
            $"{workflowSegment}/{taskSegment}/{attemptName}",
            taskDirectory,
            attemptDirectory,
            Path.Join(attemptDirectory, CheckpointManifest.FileName));
    }

    private sealed record Location(string Key, string TaskDirectory, string AttemptDirectory, string Manifest);
}

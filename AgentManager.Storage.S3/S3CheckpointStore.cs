using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Amazon.S3;
using Amazon.S3.Model;
using AgentManager.Persistence.Checkpoints;

namespace AgentManager.Storage.S3;

/// <summary>Checkpoints as objects in an S3 bucket (layout: <see cref="S3CheckpointKeys"/>).</summary>
/// <remarks>
/// <para>A save uploads every entry under a folder of its own, then the manifest, which is what makes the
/// checkpoint visible: readers only ever read manifests, so a save interrupted before its manifest leaves
/// objects nothing reads (deleted with the workflow) and the next save of the attempt succeeds.</para>
/// <para>A second save of an attempt is refused twice over: the manifest is looked for before anything is
/// uploaded and again just before it is written, under a lock per attempt within this store, and the manifest
/// is written with <c>If-None-Match: *</c>, which S3 enforces across processes (S3-compatible stores that
/// ignore the header only get the first two checks).</para>
/// </remarks>
internal sealed partial class S3CheckpointStore : ICheckpointStore, IDisposable
{
    private const long MaxPutBytes = 5L * 1024 * 1024 * 1024;
    private const int MaxKeyPrefixLength = 256;
    private const long InMemoryStagingBytes = 1024 * 1024;
    private const int BufferSize = 81920;
    private const int ConflictRetries = 3;

    private readonly IAmazonS3 _client;
    private readonly bool _ownsClient;
    private readonly string _bucket;
    private readonly string _keyPrefix;
    private readonly S3CheckpointKeys _keys;
    private readonly long _maxEntryBytes;
    private readonly int _pageSize;
    private readonly int _concurrency;
    private readonly Action<PutObjectRequest>? _configurePut;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim[] _publishLocks = [.. Enumerable.Range(0, 32).Select(_ => new SemaphoreSlim(1, 1))];

    public S3CheckpointStore(IAmazonS3 client, bool ownsClient, S3CheckpointStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        Validate(options);
        _client = client;
        _ownsClient = ownsClient;
        _bucket = options.BucketName;
        _keyPrefix = options.KeyPrefix;
        _keys = new S3CheckpointKeys(options.KeyPrefix);
        _maxEntryBytes = options.MaxEntryBytes;
        _pageSize = options.ListPageSize;
        _concurrency = options.MaxConcurrentRequests;
        _configurePut = options.ConfigurePutRequest;
        _time = time;
    }

    /// <summary>Checks the options, naming the value and the rule it breaks.</summary>
    /// <exception cref="ArgumentException">A setting is out of its range.</exception>
    public static void Validate(S3CheckpointStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.BucketName))
        {
            throw new ArgumentException("S3CheckpointStoreOptions.BucketName is blank; it must name the existing bucket that holds the checkpoints.", nameof(options));
        }

        if (!BucketNameRule().IsMatch(options.BucketName))
        {
            throw new ArgumentException(
                $"S3CheckpointStoreOptions.BucketName '{options.BucketName}' is not a bucket name: bucket names are 3 to 255 characters from a-z A-Z 0-9 . - _, starting and ending with a letter or digit.",
                nameof(options));
        }

        if (options.KeyPrefix is null)
        {
            throw new ArgumentException("S3CheckpointStoreOptions.KeyPrefix is null; use \"\" to keep the checkpoints at the root of the bucket.", nameof(options));
        }

        if (options.KeyPrefix.Length > 0 && !IsValidKeyPrefix(options.KeyPrefix))
        {
            throw new ArgumentException(
                $"S3CheckpointStoreOptions.KeyPrefix '{options.KeyPrefix}' is not a valid key prefix: it must be empty, or at most {MaxKeyPrefixLength} characters of segments of A-Z a-z 0-9 ! - _ . * ' ( ) separated by single '/', without a leading or trailing '/' and without '.' or '..' segments.",
                nameof(options));
        }

        if (options.MaxEntryBytes is < 0 or > MaxPutBytes)
        {
            throw new ArgumentException($"S3CheckpointStoreOptions.MaxEntryBytes is {options.MaxEntryBytes}; it must be from 0 to {MaxPutBytes} (5 GiB, the most one S3 PUT accepts).", nameof(options));
        }

        if (options.ListPageSize is < 1 or > S3CheckpointStoreOptions.MaxListPageSize)
        {
            throw new ArgumentException($"S3CheckpointStoreOptions.ListPageSize is {options.ListPageSize}; it must be from 1 to {S3CheckpointStoreOptions.MaxListPageSize}.", nameof(options));
        }

        if (options.MaxConcurrentRequests is < 1 or > 64)
        {
            throw new ArgumentException($"S3CheckpointStoreOptions.MaxConcurrentRequests is {options.MaxConcurrentRequests}; it must be from 1 to 64.", nameof(options));
        }
    }

    public async Task<CheckpointRecord> SaveAsync(CheckpointWrite write, CancellationToken cancellationToken)
    {
        CheckpointSource.Validate(write);
        cancellationToken.ThrowIfCancellationRequested();
        var manifestKey = _keys.Manifest(write.WorkflowId, write.TaskId, write.Attempt);
        if (await ExistsAsync(manifestKey, cancellationToken).ConfigureAwait(false))
        {
            throw AlreadyExists(write, manifestKey);
        }

        var sources = CheckpointSource.Plan(write);
        var saveFolder = S3CheckpointKeys.RelativeAttempt(write.WorkflowId, write.TaskId, write.Attempt) + "/" + Guid.NewGuid().ToString("N");
        var keys = new string[sources.Count];
        var artifactNumber = 0;
        for (var i = 0; i < sources.Count; i++)
        {
            var number = sources[i].Kind == CheckpointEntryKind.Artifact ? ++artifactNumber : 0;
            keys[i] = saveFolder + "/" + sources[i].ContentFileName(number);
        }

        var uploaded = new ConcurrentQueue<string>();
        var publishing = false;
        try
        {
            var entries = new CheckpointEntry[sources.Count];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, sources.Count),
                new ParallelOptions { MaxDegreeOfParallelism = _concurrency, CancellationToken = cancellationToken },
                async (i, token) => entries[i] = await UploadEntryAsync(sources[i], keys[i], uploaded, token).ConfigureAwait(false)).ConfigureAwait(false);

            var record = CheckpointManifest.Record(write, entries, _time.GetUtcNow());
            var manifest = CheckpointManifest.Serialize(record);

            // The manifest write is the commit: once started it is not cancelled, so a cancelled save is
            // either wholly invisible (cancelled before this point) or wholly stored.
            cancellationToken.ThrowIfCancellationRequested();
            publishing = true;
            await PublishAsync(write, manifestKey, manifest).ConfigureAwait(false);
            return record;
        }
        catch (Exception ex) when (!publishing || ex is InvalidOperationException)
        {
            // Not after a manifest write that failed in transit: it may have been stored, and then this
            // content is the checkpoint's. Refusals (already saved, no bucket) are certain.
            await DeleteQuietlyAsync([.. uploaded]).ConfigureAwait(false);
            throw;
        }
    }

    public async Task<CheckpointRecord?> GetAsync(string workflowId, string taskId, int attempt, CancellationToken cancellationToken)
    {
        Ids.ThrowIfInvalid(workflowId);
        Ids.ThrowIfInvalid(taskId);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        cancellationToken.ThrowIfCancellationRequested();
        return await ReadManifestAsync(_keys.Manifest(workflowId, taskId, attempt), S3CheckpointKeys.Segment(workflowId), S3CheckpointKeys.Segment(taskId), attempt, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<CheckpointRecord>> ListAsync(string workflowId, string? taskId, CancellationToken cancellationToken)
    {
        Ids.ThrowIfInvalid(workflowId);
        if (taskId is not null)
        {
            Ids.ThrowIfInvalid(taskId);
        }

        cancellationToken.ThrowIfCancellationRequested();
        // Every key of the folder, not a delimiter listing: S3-compatible stores differ in how they group
        // common prefixes, while a plain listing is the same everywhere. Only the manifests are read.
        var workflowFolder = _keys.Workflow(workflowId);
        var folder = taskId is null ? workflowFolder : _keys.Task(workflowId, taskId);
        var manifests = new List<(string Key, string TaskSegment, int Attempt)>();
        foreach (var key in await ListKeysAsync(folder, cancellationToken).ConfigureAwait(false))
        {
            if (S3CheckpointKeys.IsManifest(key, workflowFolder, out var taskSegment, out var attempt))
            {
                manifests.Add((key, taskSegment, attempt));
            }
        }

        var records = new ConcurrentBag<CheckpointRecord>();
        var workflowSegment = S3CheckpointKeys.Segment(workflowId);
        await Parallel.ForEachAsync(
            manifests,
            new ParallelOptions { MaxDegreeOfParallelism = _concurrency, CancellationToken = cancellationToken },
            async (manifest, token) =>
            {
                var record = await ReadManifestAsync(manifest.Key, workflowSegment, manifest.TaskSegment, manifest.Attempt, token).ConfigureAwait(false);
                if (record is not null)
                {
                    records.Add(record);
                }
            }).ConfigureAwait(false);

        var sorted = records.ToList();
        sorted.Sort(static (a, b) =>
        {
            var byTask = string.CompareOrdinal(a.TaskId, b.TaskId);
            return byTask != 0 ? byTask : a.Attempt.CompareTo(b.Attempt);
        });
        return sorted;
    }

    public async Task<Stream> OpenContentAsync(CheckpointRecord record, string entryName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(entryName);
        cancellationToken.ThrowIfCancellationRequested();
        var entry = record.FindEntry(entryName) ?? throw new ArgumentException(
            $"The checkpoint of attempt {record.Attempt} of task '{record.TaskId}' in workflow '{record.WorkflowId}' has no entry '{entryName}'; its entries are: {string.Join(", ", record.Entries.Select(e => e.Name))}.",
            nameof(entryName));
        if (entry.Status != CheckpointEntryStatus.Stored || entry.Key is null)
        {
            throw new InvalidOperationException($"The entry '{entryName}' of attempt {record.Attempt} of task '{record.TaskId}' in workflow '{record.WorkflowId}' has no content ({entry.Status}): {entry.Error}");
        }

        if (!S3CheckpointKeys.IsContentKeyOf(entry.Key, S3CheckpointKeys.RelativeAttempt(record.WorkflowId, record.TaskId, record.Attempt)))
        {
            throw new ArgumentException(
                $"The key '{entry.Key}' of entry '{entryName}' is not a content key of attempt {record.Attempt} of task '{record.TaskId}' in workflow '{record.WorkflowId}' in the checkpoint store at '{Location("")}'.",
                nameof(record));
        }

        var key = _keys.Full(entry.Key);
        GetObjectResponse response;
        try
        {
            response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = key }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (IsNoSuchKey(ex))
        {
            throw new InvalidOperationException(
                $"The content of entry '{entryName}' of attempt {record.Attempt} of task '{record.TaskId}' in workflow '{record.WorkflowId}' no longer exists at '{Location(key)}'; were the workflow's checkpoints deleted?",
                ex);
        }
        catch (AmazonS3Exception ex) when (IsNoSuchBucket(ex))
        {
            throw NoSuchBucket(ex);
        }

        if (response.ContentLength != entry.Size)
        {
            response.Dispose();
            throw new InvalidDataException(
                $"The checkpoint content '{Location(key)}' was changed or damaged after it was stored: it holds {response.ContentLength} bytes, not the {entry.Size} bytes the manifest records.");
        }

        return new S3ContentStream(response, entry.Size, entry.Sha256, Location(key));
    }

    public async Task<int> DeleteWorkflowAsync(string workflowId, CancellationToken cancellationToken)
    {
        Ids.ThrowIfInvalid(workflowId);
        cancellationToken.ThrowIfCancellationRequested();
        var workflowFolder = _keys.Workflow(workflowId);
        var keys = await ListKeysAsync(workflowFolder, cancellationToken).ConfigureAwait(false);
        var manifests = keys.Where(k => S3CheckpointKeys.IsManifest(k, workflowFolder, out _, out _)).ToList();

        // Manifests first, so each checkpoint disappears whole before its content goes. Once deleting has
        // started it runs to the end: cancelling would leave a part of the workflow behind.
        await DeleteKeysAsync(manifests, workflowId).ConfigureAwait(false);
        await DeleteKeysAsync(keys.Except(manifests, StringComparer.Ordinal).ToList(), workflowId).ConfigureAwait(false);
        return manifests.Count;
    }

    public void Dispose()
    {
        foreach (var gate in _publishLocks)
        {
            gate.Dispose();
        }

        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$")]
    private static partial Regex BucketNameRule();

    private static bool IsValidKeyPrefix(string prefix) =>
        prefix.Length <= MaxKeyPrefixLength
        && prefix.Split('/').All(segment => segment.Length > 0 && segment is not "." and not ".." && segment.All(IsSafeKeyChar));

    private static bool IsSafeKeyChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '!' or '-' or '_' or '.' or '*' or '\'' or '(' or ')';

    private static bool IsNoSuchBucket(AmazonS3Exception ex) => ex.ErrorCode == "NoSuchBucket";

    private static bool IsNoSuchKey(AmazonS3Exception ex) => ex.ErrorCode == "NoSuchKey" || (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode != "NoSuchBucket");

    private static InvalidOperationException AlreadyExists(CheckpointWrite write, string location) =>
        new($"Attempt {write.Attempt} of task '{write.TaskId}' in workflow '{write.WorkflowId}' already has a checkpoint ('{location}'); a checkpoint is written once.");

    private static Stream CreateStaging(CheckpointSource source)
    {
        if (source.Text is not null || source.FullPath is null || !File.Exists(source.FullPath) || new FileInfo(source.FullPath).Length <= InMemoryStagingBytes)
        {
            return new MemoryStream();
        }

        var path = Path.Join(Path.GetTempPath(), "agentmanager-s3-" + Guid.NewGuid().ToString("N"));
        return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, BufferSize, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
    }

    private InvalidOperationException NoSuchBucket(AmazonS3Exception ex) =>
        new($"The S3 bucket '{_bucket}' of the checkpoint store does not exist; create it (the store never creates buckets) or set S3CheckpointStoreOptions.BucketName to an existing one.", ex);

    private string Location(string key) => $"s3://{_bucket}/{(key.Length == 0 ? _keyPrefix : key)}";

    /// <summary>Copies one entry into a staging buffer (hashing and measuring it, with the size limit),
    /// then uploads exactly those bytes with their SHA-256, which S3 checks on arrival.</summary>
    private async Task<CheckpointEntry> UploadEntryAsync(CheckpointSource source, string relativeKey, ConcurrentQueue<string> uploaded, CancellationToken cancellationToken)
    {
        if (source.Skipped is not null)
        {
            return source.Skipped;
        }

        var staging = CreateStaging(source);
        await using (staging.ConfigureAwait(false))
        {
            var entry = await source.CopyToAsync(staging, relativeKey, _maxEntryBytes, cancellationToken).ConfigureAwait(false);
            if (entry.Status != CheckpointEntryStatus.Stored)
            {
                return entry;
            }

            staging.Position = 0;
            var key = _keys.Full(relativeKey);
            var request = NewPutRequest(key, staging, source.Text is null ? "application/octet-stream" : "text/plain; charset=utf-8");
            request.ChecksumSHA256 = Convert.ToBase64String(Convert.FromHexString(entry.Sha256!));

            // Recorded before the request: a cancelled upload may still have landed.
            uploaded.Enqueue(key);
            await PutAsync(request, cancellationToken).ConfigureAwait(false);
            return entry;
        }
    }

    private PutObjectRequest NewPutRequest(string key, Stream body, string contentType)
    {
        var request = new PutObjectRequest();
        _configurePut?.Invoke(request);
        request.BucketName = _bucket;
        request.Key = key;
        request.InputStream = body;
        request.AutoCloseStream = false;
        request.IfNoneMatch = null;
        request.ContentType ??= contentType;
        return request;
    }

    private async Task PublishAsync(CheckpointWrite write, string manifestKey, byte[] manifest)
    {
        var gate = _publishLocks[(uint)StringComparer.Ordinal.GetHashCode(manifestKey) % (uint)_publishLocks.Length];
        await gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                if (await ExistsAsync(manifestKey, CancellationToken.None).ConfigureAwait(false))
                {
                    throw AlreadyExists(write, manifestKey);
                }

                using var body = new MemoryStream(manifest, writable: false);
                var request = NewPutRequest(manifestKey, body, "application/json");
                request.IfNoneMatch = "*";
                try
                {
                    await PutAsync(request, CancellationToken.None).ConfigureAwait(false);
                    return;
                }
                catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.PreconditionFailed)
                {
                    throw AlreadyExists(write, manifestKey);
                }
                catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.Conflict && attempt < ConflictRetries)
                {
                    // ConditionalRequestConflict: another conditional write of the key is in flight; look again.
                    await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), _time, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task PutAsync(PutObjectRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (IsNoSuchBucket(ex))
        {
            throw NoSuchBucket(ex);
        }
    }

    private async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        // A GET rather than a HEAD: a HEAD answers a bare 404 for a missing bucket and a missing key alike.
        var bytes = await GetBytesAsync(key, cancellationToken).ConfigureAwait(false);
        return bytes is not null;
    }

    private async Task<byte[]?> GetBytesAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception ex) when (IsNoSuchBucket(ex))
        {
            throw NoSuchBucket(ex);
        }
        catch (AmazonS3Exception ex) when (IsNoSuchKey(ex))
        {
            return null;
        }
    }

    private async Task<CheckpointRecord?> ReadManifestAsync(string key, string workflowSegment, string taskSegment, int attempt, CancellationToken cancellationToken)
    {
        var bytes = await GetBytesAsync(key, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }

        var location = Location(key);
        var record = CheckpointManifest.Deserialize(bytes, location);
        if (S3CheckpointKeys.Segment(record.WorkflowId) != workflowSegment || S3CheckpointKeys.Segment(record.TaskId) != taskSegment || record.Attempt != attempt)
        {
            throw new InvalidDataException(
                $"The checkpoint manifest '{location}' belongs to attempt {record.Attempt} of task '{record.TaskId}' in workflow '{record.WorkflowId}', not to the key it is at; was it copied by hand?");
        }

        return record;
    }

    /// <summary>Lists every key under <paramref name="folder"/>.</summary>
    private async Task<List<string>> ListKeysAsync(string folder, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await ListPagesAsync(folder, page => keys.AddRange((page.S3Objects ?? []).Select(o => o.Key)), cancellationToken).ConfigureAwait(false);
        return keys;
    }

    private async Task ListPagesAsync(string prefix, Action<ListObjectsV2Response> onPage, CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = prefix, MaxKeys = _pageSize };
        while (true)
        {
            ListObjectsV2Response page;
            try
            {
                page = await _client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex) when (IsNoSuchBucket(ex))
            {
                throw NoSuchBucket(ex);
            }

            onPage(page);
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                return;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    private async Task DeleteKeysAsync(List<string> keys, string workflowId)
    {
        foreach (var batch in keys.Chunk(_pageSize))
        {
            var request = new DeleteObjectsRequest
            {
                BucketName = _bucket,
                Objects = [.. batch.Select(k => new KeyVersion { Key = k })],
                Quiet = true,
            };
            DeleteObjectsResponse response;
            try
            {
                response = await _client.DeleteObjectsAsync(request, CancellationToken.None).ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex) when (IsNoSuchBucket(ex))
            {
                throw NoSuchBucket(ex);
            }

            if (response.DeleteErrors is { Count: > 0 } errors)
            {
                var first = errors[0];
                throw new IOException(
                    $"S3 refused to delete {errors.Count} object(s) of the checkpoints of workflow '{workflowId}' in bucket '{_bucket}', e.g. '{first.Key}': {first.Code} {first.Message}");
            }
        }
    }

    /// <summary>Removes the content of a save that failed; what remains is invisible and goes with its workflow.</summary>
    private async Task DeleteQuietlyAsync(List<string> keys)
    {
        if (keys.Count == 0)
        {
            return;
        }

        try
        {
            await DeleteKeysAsync(keys, "").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or IOException or InvalidOperationException or HttpRequestException or OperationCanceledException)
        {
            // Best effort: nothing reads objects without a manifest.
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using AgentManager.Persistence.Checkpoints;
using AgentManager.Tests.Execution;
using Microsoft.Extensions.Time.Testing;

namespace AgentManager.Storage.S3.Tests;

/// <summary>What the S3 store does beyond the shared contract: its key layout, what it leaves alone,
/// paging, debris of interrupted saves, damaged content and manifests, and a missing bucket.</summary>
[Collection(S3ServerGroup.Name)]
public sealed class S3CheckpointStoreTests(S3ServerFixture server) : IDisposable
{
    private const string Prefix = "agentmanager/checkpoints/";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero));
    private readonly TestDirectory _work = new();
    private readonly List<S3CheckpointStore> _stores = [];

    public void Dispose()
    {
        _stores.ForEach(s => s.Dispose());
        _work.Dispose();
    }

    [Fact]
    public async Task Save_WritesEntriesUnderASaveFolderAndTheManifestLast_AtTheDocumentedKeys()
    {
        var (store, bucket) = await OpenAsync();
        File.WriteAllText(_work.File("Report.MD"), "r");

        var record = await store.SaveAsync(Write(artifacts: ["Report.MD", "gone.txt"]), CancellationToken.None);

        var keys = await KeysAsync(bucket);
        Assert.Equal(4, keys.Count);
        Assert.Contains(Prefix + "wf-1/t1/attempt-1/manifest.json", keys);
        var saveFolder = Assert.Single(keys, k => k.EndsWith("/agent-output.txt", StringComparison.Ordinal))[..^"agent-output.txt".Length];
        Assert.Matches("^agentmanager/checkpoints/wf-1/t1/attempt-1/[0-9a-f]{32}/$", saveFolder);
        Assert.Contains(saveFolder + "verification-output.txt", keys);
        Assert.Contains(saveFolder + "artifact-001.md", keys);
        Assert.Equal(
            [saveFolder[Prefix.Length..] + "agent-output.txt", saveFolder[Prefix.Length..] + "verification-output.txt", saveFolder[Prefix.Length..] + "artifact-001.md", null],
            record.Entries.Select(e => e.Key));
        var manifest = await ReadObjectAsync(bucket, Prefix + "wf-1/t1/attempt-1/manifest.json");
        Assert.Contains("\"schemaVersion\": 1", Encoding.UTF8.GetString(manifest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_IdsThatAreNotPlainNames_GetKeysWithoutDotSegments()
    {
        var (store, bucket) = await OpenAsync();

        await store.SaveAsync(Write("..", ".", agentOutput: "dots"), CancellationToken.None);
        await store.SaveAsync(Write("Wf:1", "A", agentOutput: "mixed"), CancellationToken.None);

        var keys = await KeysAsync(bucket);
        Assert.All(keys, k => Assert.DoesNotContain(k.Split('/'), segment => segment is "." or ".."));
        Assert.Contains(keys, k => k.StartsWith(Prefix + "Wf_1~", StringComparison.Ordinal) && k.Contains("/A/attempt-1/", StringComparison.Ordinal));
        var dots = await store.GetAsync("..", ".", 1, CancellationToken.None);
        Assert.Equal("dots", Encoding.UTF8.GetString(await ReadAsync(store, dots!, CheckpointEntryNames.AgentOutput)));
    }

    [Fact]
    public async Task Save_MultiMegabyteAndBinaryEntries_ReadBackByteForByte()
    {
        // Catches an upload stored with its aws-chunked framing: the SDK's default uploads are chunked.
        var (store, bucket) = await OpenAsync();
        var big = RandomBytes(6 * 1024 * 1024 + 123, seed: 1);
        var framingLookalike = Encoding.ASCII.GetBytes("5;chunk-signature=abc\r\nhello\r\n0;chunk-signature=def\r\n\r\n");
        File.WriteAllBytes(_work.File("big.bin"), big);
        File.WriteAllBytes(_work.File("frame.txt"), framingLookalike);
        var text = string.Concat(Enumerable.Repeat("ünïcödé ✓ line\r\n", 5000));

        var record = await store.SaveAsync(Write(agentOutput: text, artifacts: ["big.bin", "frame.txt"]), CancellationToken.None);

        var read = await store.GetAsync("wf-1", "t1", 1, CancellationToken.None);
        Assert.Equal(big, await ReadAsync(store, read!, "artifacts/big.bin"));
        Assert.Equal(framingLookalike, await ReadAsync(store, read!, "artifacts/frame.txt"));
        Assert.Equal(Encoding.UTF8.GetBytes(text), await ReadAsync(store, read!, CheckpointEntryNames.AgentOutput));
        var bigEntry = record.FindEntry("artifacts/big.bin")!;
        Assert.Equal((big.LongLength, Convert.ToHexStringLower(SHA256.HashData(big))), (bigEntry.Size, bigEntry.Sha256));
        Assert.Equal(big, await ReadObjectAsync(bucket, Prefix + bigEntry.Key));
        await using var stream = await store.OpenContentAsync(read!, "artifacts/big.bin", CancellationToken.None);
        Assert.Equal(big.LongLength, stream.Length);
    }

    [Fact]
    public async Task DeleteWorkflow_LeavesOtherPrefixesWorkflowsAndObjectsUntouched()
    {
        var (store, bucket) = await OpenAsync();
        var (otherPrefix, _) = await OpenAsync(bucket, o => o.KeyPrefix = "other");
        var (rootStore, _) = await OpenAsync(bucket, o => o.KeyPrefix = "");
        await store.SaveAsync(Write(), CancellationToken.None);
        await store.SaveAsync(Write(workflowId: "wf-10"), CancellationToken.None);
        await otherPrefix.SaveAsync(Write(), CancellationToken.None);
        await rootStore.SaveAsync(Write(), CancellationToken.None);
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "agentmanager/checkpoints/wf-1.txt", ContentBody = "not a checkpoint" });
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "unrelated/wf-1/t1/attempt-1/manifest.json", ContentBody = "{}" });
        var before = await KeysAsync(bucket);

        Assert.Equal(1, await store.DeleteWorkflowAsync("wf-1", CancellationToken.None));

        var after = await KeysAsync(bucket);
        Assert.Equal(before.Where(k => !k.StartsWith(Prefix + "wf-1/", StringComparison.Ordinal)), after);
        Assert.Equal(3, before.Count - after.Count);
        Assert.Single(await store.ListAsync("wf-10", null, CancellationToken.None));
        Assert.Single(await otherPrefix.ListAsync("wf-1", null, CancellationToken.None));
        Assert.Single(await rootStore.ListAsync("wf-1", null, CancellationToken.None));
    }

    [Fact]
    public async Task ListAndDelete_MoreObjectsThanOnePage_GoThroughEveryPage()
    {
        var (store, bucket) = await OpenAsync(configure: o => o.ListPageSize = 7);
        for (var attempt = 1; attempt <= 9; attempt++)
        {
            await store.SaveAsync(Write(taskId: "t" + (attempt % 3), attempt: attempt), CancellationToken.None);
        }

        var listed = await store.ListAsync("wf-1", null, CancellationToken.None);
        var deleted = await store.DeleteWorkflowAsync("wf-1", CancellationToken.None);

        Assert.Equal(["t0/3", "t0/6", "t0/9", "t1/1", "t1/4", "t1/7", "t2/2", "t2/5", "t2/8"], listed.Select(r => $"{r.TaskId}/{r.Attempt}"));
        Assert.Equal(9, deleted);
        Assert.Empty(await KeysAsync(bucket));
    }

    [Fact]
    public async Task InterruptedSave_ContentWithoutManifest_IsInvisibleReplacedByTheNextSaveAndDeletedWithTheWorkflow()
    {
        var (store, bucket) = await OpenAsync();
        var debris = Prefix + "wf-1/t1/attempt-1/0123456789abcdef0123456789abcdef/agent-output.txt";
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = debris, ContentBody = "half" });

        Assert.Null(await store.GetAsync("wf-1", "t1", 1, CancellationToken.None));
        Assert.Empty(await store.ListAsync("wf-1", null, CancellationToken.None));
        Assert.Empty(await store.ListAsync("wf-1", "t1", CancellationToken.None));

        await store.SaveAsync(Write(agentOutput: "whole"), CancellationToken.None);

        var record = await store.GetAsync("wf-1", "t1", 1, CancellationToken.None);
        Assert.Equal("whole", Encoding.UTF8.GetString(await ReadAsync(store, record!, CheckpointEntryNames.AgentOutput)));
        Assert.Equal(1, await store.DeleteWorkflowAsync("wf-1", CancellationToken.None));
        Assert.Empty(await KeysAsync(bucket));
    }

    [Fact]
    public async Task Save_AttemptWhoseManifestAnotherProcessWrote_IsRefusedBeforeUploadingAnything()
    {
        // Another store on the same bucket stands for another process. Between processes, a save that passes
        // the look-up at the same moment is stopped by S3's If-None-Match: *, which this emulator ignores:
        // that race cannot be tested here.
        var (first, bucket) = await OpenAsync();
        var (second, _) = await OpenAsync(bucket);
        await first.SaveAsync(Write(agentOutput: "first"), CancellationToken.None);
        var before = await KeysAsync(bucket);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => second.SaveAsync(Write(agentOutput: "second"), CancellationToken.None));

        Assert.Contains("Attempt 1 of task 't1' in workflow 'wf-1' already has a checkpoint", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, await KeysAsync(bucket));
    }

    [Fact]
    public async Task Save_SameAttemptConcurrently_LeavesOnlyTheWinnersObjects()
    {
        var (store, bucket) = await OpenAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            try
            {
                return await store.SaveAsync(Write(agentOutput: "writer " + i), CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        })));

        var winner = Assert.Single(results, r => r is not null)!;
        var keys = await KeysAsync(bucket);
        Assert.Equal(3, keys.Count);
        Assert.Contains(Prefix + "wf-1/t1/attempt-1/manifest.json", keys);
        Assert.All(winner.Entries, e => Assert.Contains(Prefix + e.Key, keys));
    }

    [Fact]
    public async Task MissingBucket_EveryOperationFailsNamingTheBucket()
    {
        var (store, _) = await OpenAsync("no-such-bucket-" + Guid.NewGuid().ToString("N")[..8]);
        var record = new CheckpointRecord
        {
            WorkflowId = "wf-1",
            TaskId = "t1",
            Attempt = 1,
            CreatedAt = _time.GetUtcNow(),
            Entries = [new() { Name = "agent-output", Kind = CheckpointEntryKind.AgentOutput, Status = CheckpointEntryStatus.Stored, Key = "wf-1/t1/attempt-1/0123456789abcdef0123456789abcdef/agent-output.txt", Size = 1 }],
        };

        var failures = new[]
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => store.SaveAsync(Write(), CancellationToken.None)),
            await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetAsync("wf-1", "t1", 1, CancellationToken.None)),
            await Assert.ThrowsAsync<InvalidOperationException>(() => store.ListAsync("wf-1", null, CancellationToken.None)),
            await Assert.ThrowsAsync<InvalidOperationException>(() => store.OpenContentAsync(record, "agent-output", CancellationToken.None)),
            await Assert.ThrowsAsync<InvalidOperationException>(() => store.DeleteWorkflowAsync("wf-1", CancellationToken.None)),
        };

        Assert.All(failures, ex => Assert.Contains("The S3 bucket 'no-such-bucket-", ex.Message, StringComparison.Ordinal));
        Assert.All(failures, ex => Assert.Contains("does not exist; create it", ex.Message, StringComparison.Ordinal));
        Assert.All(failures, ex => Assert.IsAssignableFrom<AmazonS3Exception>(ex.InnerException));
    }

    [Fact]
    public async Task OpenContent_ObjectChangedInTheBucket_IsReportedNotReturnedAsTheCheckpoint()
    {
        var (store, bucket) = await OpenAsync();
        var record = await store.SaveAsync(Write(agentOutput: "original", verificationOutput: "12345"), CancellationToken.None);
        var agent = record.FindEntry(CheckpointEntryNames.AgentOutput)!;
        var verification = record.FindEntry(CheckpointEntryNames.VerificationOutput)!;
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = Prefix + agent.Key, ContentBody = "tampered" });
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = Prefix + verification.Key, ContentBody = "123456" });

        var sameSize = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(store, record, CheckpointEntryNames.AgentOutput));
        var otherSize = await Assert.ThrowsAsync<InvalidDataException>(() => store.OpenContentAsync(record, CheckpointEntryNames.VerificationOutput, CancellationToken.None));

        Assert.Contains($"'s3://{bucket}/{Prefix}{agent.Key}' was changed or damaged", sameSize.Message, StringComparison.Ordinal);
        Assert.Contains("its SHA-256 is", sameSize.Message, StringComparison.Ordinal);
        Assert.Contains("it holds 6 bytes, not the 5 bytes the manifest records", otherSize.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenContent_KeyThatIsNotTheRecordsAttemptContent_IsRefused()
    {
        var (store, _) = await OpenAsync();
        var record = await store.SaveAsync(Write(), CancellationToken.None);
        var other = await store.SaveAsync(Write(attempt: 2), CancellationToken.None);
        var own = record.Entries[0].Key!;

        foreach (var key in new[] { other.Entries[0].Key!, "wf-1/t1/attempt-1/manifest.json", own.Replace("agent-output.txt", "../../attempt-2/x", StringComparison.Ordinal), "../" + own, "/" + own, own + "/x" })
        {
            var forged = record with { Entries = [record.Entries[0] with { Key = key }] };

            var ex = await Assert.ThrowsAsync<ArgumentException>(() => store.OpenContentAsync(forged, CheckpointEntryNames.AgentOutput, CancellationToken.None));

            Assert.Contains($"The key '{key}'", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Read_DamagedOrNewerManifest_ThrowsNamingTheObject()
    {
        var (store, bucket) = await OpenAsync();
        var key = Prefix + "wf-1/t1/attempt-1/manifest.json";
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = """{"schemaVersion":99,"entries":[]}""" });

        var newer = await Assert.ThrowsAsync<CheckpointSchemaException>(() => store.GetAsync("wf-1", "t1", 1, CancellationToken.None));
        Assert.Equal(($"s3://{bucket}/{key}", 99), (newer.Location, newer.FoundVersion));
        await Assert.ThrowsAsync<CheckpointSchemaException>(() => store.ListAsync("wf-1", null, CancellationToken.None));

        await server.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            ContentBody = """{"schemaVersion":1,"workflowId":"wf-2","taskId":"t1","attempt":1,"createdAt":"2030-01-01T00:00:00.0000000+00:00","entries":[]}""",
        });
        var moved = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync("wf-1", "t1", 1, CancellationToken.None));
        Assert.Contains($"'s3://{bucket}/{key}' belongs to attempt 1 of task 't1' in workflow 'wf-2'", moved.Message, StringComparison.Ordinal);

        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "{ not json" });
        var broken = await Assert.ThrowsAsync<InvalidDataException>(() => store.ListAsync("wf-1", "t1", CancellationToken.None));
        Assert.Contains($"'s3://{bucket}/{key}' cannot be read: it is not valid JSON", broken.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_EntriesOverTheSizeLimit_AreRecordedTooLargeAndNotUploaded()
    {
        var (store, bucket) = await OpenAsync(configure: o => o.MaxEntryBytes = 16);
        File.WriteAllText(_work.File("big.txt"), new string('b', 17));

        var record = await store.SaveAsync(Write(agentOutput: new string('a', 17), verificationOutput: "0123456789abcdef", artifacts: ["big.txt"]), CancellationToken.None);

        Assert.Equal(
            [CheckpointEntryStatus.TooLarge, CheckpointEntryStatus.Stored, CheckpointEntryStatus.TooLarge],
            record.Entries.Select(e => e.Status));
        Assert.Equal("The agent output is 17 bytes, more than the limit of 16 bytes per checkpoint entry; it was not stored.", record.Entries[0].Error);
        var keys = await KeysAsync(bucket);
        Assert.Equal(2, keys.Count);
        Assert.Contains(keys, k => k.EndsWith("/verification-output.txt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfigurePutRequest_IsAppliedToEveryUploadButCannotRedirectIt()
    {
        var (store, bucket) = await OpenAsync(configure: o => o.ConfigurePutRequest = request =>
        {
            request.Metadata["owner"] = "team-a";
            request.BucketName = "elsewhere";
            request.Key = "elsewhere";
        });

        await store.SaveAsync(Write(), CancellationToken.None);

        var keys = await KeysAsync(bucket);
        Assert.Equal(3, keys.Count);
        foreach (var key in keys)
        {
            var metadata = await server.Client.GetObjectMetadataAsync(bucket, key);
            Assert.Equal("team-a", metadata.Metadata["owner"]);
        }
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task<byte[]> ReadAsync(S3CheckpointStore store, CheckpointRecord record, string entryName)
    {
        await using var stream = await store.OpenContentAsync(record, entryName, CancellationToken.None);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private async Task<(S3CheckpointStore Store, string Bucket)> OpenAsync(string? bucket = null, Action<S3CheckpointStoreOptions>? configure = null)
    {
        bucket ??= await server.CreateBucketAsync();
        var options = new S3CheckpointStoreOptions { BucketName = bucket };
        configure?.Invoke(options);
        var store = new S3CheckpointStore(server.Client, ownsClient: false, options, _time);
        _stores.Add(store);
        return (store, bucket);
    }

    private CheckpointWrite Write(string workflowId = "wf-1", string taskId = "t1", int attempt = 1, string? agentOutput = "agent: done", string? verificationOutput = "3 tests passed", params string[] artifacts) => new()
    {
        WorkflowId = workflowId,
        TaskId = taskId,
        Attempt = attempt,
        AgentOutput = agentOutput,
        VerificationOutput = verificationOutput,
        Workdir = _work.Path,
        Artifacts = artifacts,
    };

    private async Task<List<string>> KeysAsync(string bucket)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket };
        ListObjectsV2Response page;
        do
        {
            page = await server.Client.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        return keys;
    }

    private async Task<byte[]> ReadObjectAsync(string bucket, string key)
    {
        using var response = await server.Client.GetObjectAsync(bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}

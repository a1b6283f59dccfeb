using System.Security.Cryptography;
using System.Text;
using AgentManager.Persistence.Checkpoints;
using AgentManager.Tests.Execution;
using CsCheck;

namespace AgentManager.Tests.Persistence.Checkpoints;

/// <summary>The behaviour every <see cref="ICheckpointStore"/> must have. Each implementation gets a
/// subclass that supplies a fresh, empty store; <see cref="CheckpointStoreCoverageTests"/> checks none is
/// missing. Artifacts are read from a temporary working directory that the base class owns.</summary>
public abstract class CheckpointStoreContractTests : IDisposable
{
    private readonly TestDirectory _temp = new();

    protected CheckpointStoreContractTests()
    {
        Workdir = Path.Combine(_temp.Path, "work");
        Directory.CreateDirectory(Workdir);
    }

    /// <summary>Gets a temporary directory deleted after the test; subclasses may keep their store under it.</summary>
    protected string TempDirectory => _temp.Path;

    /// <summary>Gets the working directory the artifacts of <see cref="Write"/> are relative to.</summary>
    protected string Workdir { get; }

    /// <summary>Creates an empty store for one test.</summary>
    protected abstract Task<ICheckpointStore> CreateStoreAsync(CancellationToken cancellationToken);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _temp.Dispose();
        }
    }

    protected CheckpointWrite Write(string workflowId = "wf-1", string taskId = "t1", int attempt = 1, string? agentOutput = "agent: done", string? verificationOutput = "3 tests passed", params string[] artifacts) => new()
    {
        WorkflowId = workflowId,
        TaskId = taskId,
        Attempt = attempt,
        AgentOutput = agentOutput,
        VerificationOutput = verificationOutput,
        Workdir = Workdir,
        Artifacts = artifacts,
        Metadata = new Dictionary<string, string> { ["outcome"] = "succeeded" },
    };

    protected byte[] WorkFile(string relativePath, string content)
    {
        var path = Path.Combine(Workdir, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = Encoding.UTF8.GetBytes(content);
        File.WriteAllBytes(path, bytes);
        return bytes;
    }

    protected static async Task<byte[]> ReadAsync(ICheckpointStore store, CheckpointRecord record, string entryName)
    {
        await using var stream = await store.OpenContentAsync(record, entryName, CancellationToken.None);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    protected static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static void AssertStored(CheckpointEntry entry, byte[] expected)
    {
        Assert.Equal(CheckpointEntryStatus.Stored, entry.Status);
        Assert.Equal(expected.LongLength, entry.Size);
        Assert.Equal(Sha256Of(expected), entry.Sha256);
        Assert.False(string.IsNullOrEmpty(entry.Key));
        Assert.Null(entry.Error);
    }

    [Fact]
    public async Task Save_OutputsAndArtifacts_RoundTripWithSizesAndHashes()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var report = WorkFile("out/report.md", "# Report\nall good ✓\n");
        var data = WorkFile("data.bin", new string('x', 100_000));

        await store.SaveAsync(Write(artifacts: ["out/report.md", "data.bin"]), CancellationToken.None);

        var record = await store.GetAsync("wf-1", "t1", 1, CancellationToken.None);
        Assert.NotNull(record);
        Assert.Equal(CheckpointRecord.CurrentSchemaVersion, record.SchemaVersion);
        Assert.Equal(("wf-1", "t1", 1), (record.WorkflowId, record.TaskId, record.Attempt));
        Assert.Equal(
            [CheckpointEntryNames.AgentOutput, CheckpointEntryNames.VerificationOutput, "artifacts/out/report.md", "artifacts/data.bin"],
            record.Entries.Select(e => e.Name));
        Assert.Equal(
            [CheckpointEntryKind.AgentOutput, CheckpointEntryKind.VerificationOutput, CheckpointEntryKind.Artifact, CheckpointEntryKind.Artifact],
            record.Entries.Select(e => e.Kind));
        Assert.Equal([null, null, "out/report.md", "data.bin"], record.Entries.Select(e => e.SourcePath));
        var expected = new[] { Encoding.UTF8.GetBytes("agent: done"), Encoding.UTF8.GetBytes("3 tests passed"), report, data };
        for (var i = 0; i < expected.Length; i++)
        {
            AssertStored(record.Entries[i], expected[i]);
            Assert.Equal(expected[i], await ReadAsync(store, record, record.Entries[i].Name));
        }

        Assert.Equal(expected.Sum(e => e.LongLength), record.TotalSize);
        Assert.Equal("succeeded", record.Metadata["outcome"]);
        Assert.Equal(record.Entries.Count, record.Entries.Select(e => e.Key).Distinct().Count());
    }

    [Fact]
    public async Task Get_ReadsBackWhatSaveReturned()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        WorkFile("a.txt", "a");

        var saved = await store.SaveAsync(Write(artifacts: ["a.txt", "missing.txt"]), CancellationToken.None);
        var read = await store.GetAsync("wf-1", "t1", 1, CancellationToken.None);

        Assert.NotNull(read);
        Assert.Equal(saved.CreatedAt, read.CreatedAt);
        Assert.Equal(saved.CreatedAt.Offset, read.CreatedAt.Offset);
        Assert.Equal(saved.Entries, read.Entries);
        Assert.Equal(saved.Metadata.OrderBy(p => p.Key), read.Metadata.OrderBy(p => p.Key));
        Assert.Equal((saved.SchemaVersion, saved.WorkflowId, saved.TaskId, saved.Attempt), (read.SchemaVersion, read.WorkflowId, read.TaskId, read.Attempt));
    }

    [Fact]
    public async Task Save_AnyIdsAndOutput_ReadsBackTheSameBytes()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var id = Gen.String[Gen.Char["ABCZabcz019_.:-"], 1, 24];
        var attempt = 0;

        await Gen.Select(id, id, Gen.String).SampleAsync(
            async (workflowId, taskId, output) =>
            {
                var number = Interlocked.Increment(ref attempt);
                await store.SaveAsync(Write(workflowId, taskId, number, output, null), CancellationToken.None);

                var record = await store.GetAsync(workflowId, taskId, number, CancellationToken.None);
                Assert.NotNull(record);
                Assert.Equal((workflowId, taskId, number), (record.WorkflowId, record.TaskId, record.Attempt));
                var bytes = Encoding.UTF8.GetBytes(output);
                AssertStored(Assert.Single(record.Entries), bytes);
                Assert.Equal(bytes, await ReadAsync(store, record, CheckpointEntryNames.AgentOutput));
            },
            iter: 60,
            threads: 1);
    }

    [Fact]
    public async Task Save_IdsDifferingOnlyInCaseOrPunctuation_AreKeptApart()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        string[] ids = ["a", "A", ".", "..", "a.b", "a:b", "a_b", "a-b", new string('x', Ids.MaxLength), new string('x', Ids.MaxLength - 1) + "X"];

        foreach (var id in ids)
        {
            await store.SaveAsync(Write(id, id, agentOutput: "output of " + id, verificationOutput: null), CancellationToken.None);
        }

        foreach (var id in ids)
        {
            var record = await store.GetAsync(id, id, 1, CancellationToken.None);
            Assert.NotNull(record);
            Assert.Equal(id, record.TaskId);
            Assert.Equal("output of " + id, Encoding.UTF8.GetString(await ReadAsync(store, record, CheckpointEntryNames.AgentOutput)));
            Assert.Equal([id], (await store.ListAsync(id, null, CancellationToken.None)).Select(r => r.WorkflowId));
        }
    }

    [Fact]
    public async Task Attempts_AreKeptSeparately()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        WorkFile("result.txt", "first");
        await store.SaveAsync(Write(attempt: 1, agentOutput: "try 1", verificationOutput: "1 failure", artifacts: ["result.txt"]), CancellationToken.None);
        WorkFile("result.txt", "second, longer");
        await store.SaveAsync(Write(attempt: 2, agentOutput: "try 2", verificationOutput: "0 failures", artifacts: ["result.txt"]), CancellationToken.None);

        var first = await store.GetAsync("wf-1", "t1", 1, CancellationToken.None);
        var second = await store.GetAsync("wf-1", "t1", 2, CancellationToken.None);

        Assert.Equal("try 1", Encoding.UTF8.GetString(await ReadAsync(store, first!, CheckpointEntryNames.AgentOutput)));
        Assert.Equal("try 2", Encoding.UTF8.GetString(await ReadAsync(store, second!, CheckpointEntryNames.AgentOutput)));
        Assert.Equal("first", Encoding.UTF8.GetString(await ReadAsync(store, first!, "artifacts/result.txt")));
        Assert.Equal("second, longer", Encoding.UTF8.GetString(await ReadAsync(store, second!, "artifacts/result.txt")));
        Assert.Equal([1, 2], (await store.ListAsync("wf-1", "t1", CancellationToken.None)).Select(r => r.Attempt));
        Assert.Null(await store.GetAsync("wf-1", "t1", 3, CancellationToken.None));
    }

    [Fact]
    public async Task List_OrdersByTaskThenAttemptAndFiltersByTask()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        foreach (var (task, attempt) in new[] { ("b", 1), ("a", 2), ("a", 10), ("a", 1), ("B", 1) })
        {
            await store.SaveAsync(Write(taskId: task, attempt: attempt), CancellationToken.None);
        }

        await store.SaveAsync(Write(workflowId: "other", taskId: "a"), CancellationToken.None);

        var all = await store.ListAsync("wf-1", null, CancellationToken.None);
        var onlyA = await store.ListAsync("wf-1", "a", CancellationToken.None);

        Assert.Equal(["B/1", "a/1", "a/2", "a/10", "b/1"], all.Select(r => $"{r.TaskId}/{r.Attempt}"));
        Assert.All(all, r => Assert.Equal("wf-1", r.WorkflowId));
        Assert.Equal([1, 2, 10], onlyA.Select(r => r.Attempt));
        Assert.All(onlyA, r => Assert.Equal("a", r.TaskId));
    }

    [Fact]
    public async Task Reads_UnknownIds_ReturnNothing()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.SaveAsync(Write(), CancellationToken.None);

        Assert.Null(await store.GetAsync("nope", "t1", 1, CancellationToken.None));
        Assert.Null(await store.GetAsync("wf-1", "nope", 1, CancellationToken.None));
        Assert.Null(await store.GetAsync("wf-1", "t1", 2, CancellationToken.None));
        Assert.Empty(await store.ListAsync("nope", null, CancellationToken.None));
        Assert.Empty(await store.ListAsync("wf-1", "nope", CancellationToken.None));
        Assert.Equal(0, await store.DeleteWorkflowAsync("nope", CancellationToken.None));
    }

    [Fact]
    public async Task DeleteWorkflow_RemovesItsCheckpointsAndContentOnly()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        WorkFile("a.txt", "a");
        await store.SaveAsync(Write(attempt: 1, artifacts: ["a.txt"]), CancellationToken.None);
        await store.SaveAsync(Write(attempt: 2), CancellationToken.None);
        await store.SaveAsync(Write(taskId: "t2"), CancellationToken.None);
        await store.SaveAsync(Write(workflowId: "keep"), CancellationToken.None);
        var deletedRecord = (await store.GetAsync("wf-1", "t1", 1, CancellationToken.None))!;

        var deleted = await store.DeleteWorkflowAsync("wf-1", CancellationToken.None);

        Assert.Equal(3, deleted);
        Assert.Empty(await store.ListAsync("wf-1", null, CancellationToken.None));
        Assert.Null(await store.GetAsync("wf-1", "t1", 1, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.OpenContentAsync(deletedRecord, "artifacts/a.txt", CancellationToken.None));
        var kept = Assert.Single(await store.ListAsync("keep", null, CancellationToken.None));
        Assert.Equal("agent: done", Encoding.UTF8.GetString(await ReadAsync(store, kept, CheckpointEntryNames.AgentOutput)));
        Assert.Equal(0, await store.DeleteWorkflowAsync("wf-1", CancellationToken.None));
        await store.SaveAsync(Write(attempt: 1), CancellationToken.None);
        Assert.NotNull(await store.GetAsync("wf-1", "t1", 1, CancellationToken.None));
    }

    [Fact]
    public async Task Save_ConcurrentAttemptsAndTasks_AreAllStored()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        WorkFile("shared.txt", "shared artifact");
        var writes = Enumerable.Range(0, 24).Select(i => Write(taskId: "t" + (i % 4), attempt: (i / 4) + 1, agentOutput: "output " + i, artifacts: ["shared.txt"]));

        var saved = await Task.WhenAll(writes.Select(w => Task.Run(() => store.SaveAsync(w, CancellationToken.None))));

        Assert.Equal(24, saved.Length);
        var listed = await store.ListAsync("wf-1", null, CancellationToken.None);
        Assert.Equal(24, listed.Count);
        for (var i = 0; i < 24; i++)
        {
            var record = await store.GetAsync("wf-1", "t" + (i % 4), (i / 4) + 1, CancellationToken.None);
            Assert.Equal("output " + i, Encoding.UTF8.GetString(await ReadAsync(store, record!, CheckpointEntryNames.AgentOutput)));
            Assert.Equal("shared artifact", Encoding.UTF8.GetString(await ReadAsync(store, record!, "artifacts/shared.txt")));
        }
    }

    [Fact]
    public async Task Save_SameAttemptConcurrently_StoresExactlyOne()
    {
        var store = await CreateStoreAsync(CancellationToken.None);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await store.SaveAsync(Write(agentOutput: "writer " + i), CancellationToken.None);
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        })));

        Assert.Single(results, r => r);
        var record = Assert.Single(await store.ListAsync("wf-1", null, CancellationToken.None));
        Assert.StartsWith("writer ", Encoding.UTF8.GetString(await ReadAsync(store, record, CheckpointEntryNames.AgentOutput)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_SameAttemptTwice_IsRefusedAndKeepsTheFirst()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.SaveAsync(Write(agentOutput: "first"), CancellationToken.None);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.SaveAsync(Write(agentOutput: "second"), CancellationToken.None));

        Assert.Contains("Attempt 1 of task 't1' in workflow 'wf-1' already has a checkpoint", ex.Message, StringComparison.Ordinal);
        var record = await store.GetAsync("wf-1", "t1", 1, CancellationToken.None);
        Assert.Equal("first", Encoding.UTF8.GetString(await ReadAsync(store, record!, CheckpointEntryNames.AgentOutput)));
    }

    [Fact]
    public async Task Save_AlreadyCancelled_ThrowsAndStoresNothing()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        WorkFile("a.txt", "a");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.SaveAsync(Write(artifacts: ["a.txt"]), cancelled.Token));

        Assert.Null(await store.GetAsync("wf-1", "t1", 1, CancellationToken.None));
        Assert.Empty(await store.ListAsync("wf-1", null, CancellationToken.None));
        await store.SaveAsync(Write(), CancellationToken.None);
    }

    [Fact]
    public async Task Save_CancelledAtAnyPoint_StoresAllOrNothing()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var artifacts = Enumerable.Range(0, 20).Select(i => $"big/{i}.bin").ToArray();
        foreach (var artifact in artifacts)
        {
            WorkFile(artifact, new string('z', 64 * 1024));
        }

        int[] delaysMs = [0, 1, 2, 4, 8, 16, 32];
        for (var i = 0; i < delaysMs.Length; i++)
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(delaysMs[i]));
            var attempt = i + 1;
            var cancelled = false;
            try
            {
                await store.SaveAsync(Write(attempt: attempt, artifacts: artifacts), cancel.Token);
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
            }

            var record = await store.GetAsync("wf-1", "t1", attempt, CancellationToken.None);
            if (cancelled)
            {
                Assert.Null(record);
            }
            else
            {
                Assert.Equal(22, record!.Entries.Count(e => e.Status == CheckpointEntryStatus.Stored));
            }
        }

        Assert.All(await store.ListAsync("wf-1", null, CancellationToken.None), r => Assert.Equal(22, r.Entries.Count));
    }

    [Fact]
    public async Task Reads_Cancelled_Throw()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var record = await store.SaveAsync(Write(), CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetAsync("wf-1", "t1", 1, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ListAsync("wf-1", null, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.OpenContentAsync(record, CheckpointEntryNames.AgentOutput, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.DeleteWorkflowAsync("wf-1", cancelled.Token));
        Assert.NotNull(await store.GetAsync("wf-1", "t1", 1, CancellationToken.None));
    }

    [Fact]
    public async Task Save_MissingArtifact_IsRecordedAndTheRestIsStored()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        WorkFile("present.txt", "here");

        var record = await store.SaveAsync(Write(artifacts: ["absent.txt", "present.txt", "no/such/dir.txt"]), CancellationToken.None);

        var absent = record.FindEntry("artifacts/absent.txt")!;
        Assert.Equal((CheckpointEntryStatus.Missing, 0L, null, null), (absent.Status, absent.Size, absent.Key, absent.Sha256));
        Assert.Contains("'absent.txt' was declared but no file exists", absent.Error, StringComparison.Ordinal);
        Assert.Equal(CheckpointEntryStatus.Missing, record.FindEntry("artifacts/no/such/dir.txt")!.Status);
        Assert.Equal(CheckpointEntryStatus.Stored, record.FindEntry("artifacts/present.txt")!.Status);
        Assert.Equal(CheckpointEntryStatus.Stored, record.FindEntry(CheckpointEntryNames.AgentOutput)!.Status);
        var read = await store.GetAsync("wf-1", "t1", 1, CancellationToken.None);
        Assert.Equal(absent, read!.FindEntry("artifacts/absent.txt"));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.OpenContentAsync(read, "artifacts/absent.txt", CancellationToken.None));
        Assert.Contains("has no content (Missing)", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("sub/../../outside.txt")]
    [InlineData("..\\outside.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("\\\\server\\share\\x")]
    [InlineData("C:\\x.txt")]
    [InlineData("~/x.txt")]
    [InlineData("a:stream")]
    public async Task Save_ArtifactOutsideTheWorkdir_IsRefused(string path)
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        File.WriteAllText(Path.Combine(TempDirectory, "outside.txt"), "secret");

        var record = await store.SaveAsync(Write(artifacts: [path]), CancellationToken.None);

        var entry = Assert.Single(record.Entries, e => e.Kind == CheckpointEntryKind.Artifact);
        Assert.Equal((CheckpointEntryStatus.Refused, path, null), (entry.Status, entry.SourcePath, entry.Key));
        Assert.Contains($"'{path}' is refused", entry.Error, StringComparison.Ordinal);
        Assert.Equal(CheckpointEntryStatus.Stored, record.FindEntry(CheckpointEntryNames.AgentOutput)!.Status);
    }

    [Theory]
    [InlineData("out")]
    [InlineData(".")]
    [InlineData("")]
    public async Task Save_ArtifactThatIsADirectory_IsRefused(string path)
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        WorkFile("out/inner.txt", "x");

        var record = await store.SaveAsync(Write(artifacts: [path]), CancellationToken.None);

        var entry = Assert.Single(record.Entries, e => e.Kind == CheckpointEntryKind.Artifact);
        Assert.Equal(CheckpointEntryStatus.Refused, entry.Status);
        Assert.Contains("director", entry.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_ArtifactDeclaredTwiceOrWithBackslashes_IsStoredOnceUnderAForwardSlashName()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var bytes = WorkFile("out/r.md", "report");

        var record = await store.SaveAsync(Write(artifacts: ["out\\r.md", "./out/r.md", "out//r.md"]), CancellationToken.None);

        var entry = Assert.Single(record.Entries, e => e.Kind == CheckpointEntryKind.Artifact);
        Assert.Equal(("artifacts/out/r.md", "out\\r.md"), (entry.Name, entry.SourcePath));
        Assert.Equal(bytes, await ReadAsync(store, record, "artifacts/out/r.md"));
    }

    [Fact]
    public async Task Save_NullOutputsStoreNoEntriesAndEmptyOutputsStoreEmptyOnes()
    {
        var store = await CreateStoreAsync(CancellationToken.None);

        var none = await store.SaveAsync(Write(attempt: 1, agentOutput: null, verificationOutput: null), CancellationToken.None);
        var empty = await store.SaveAsync(Write(attempt: 2, agentOutput: "", verificationOutput: ""), CancellationToken.None);

        Assert.Empty(none.Entries);
        Assert.Empty((await store.GetAsync("wf-1", "t1", 1, CancellationToken.None))!.Entries);
        Assert.Equal(2, empty.Entries.Count);
        Assert.All(empty.Entries, e => AssertStored(e, []));
        Assert.Empty(await ReadAsync(store, empty, CheckpointEntryNames.VerificationOutput));
    }

    [Fact]
    public async Task OpenContent_UnknownEntry_ThrowsNamingTheEntries()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var record = await store.SaveAsync(Write(), CancellationToken.None);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => store.OpenContentAsync(record, "artifacts/nope", CancellationToken.None));

        Assert.Contains("has no entry 'artifacts/nope'; its entries are: agent-output, verification-output", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArgValidation()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        var record = await store.SaveAsync(Write(), CancellationToken.None);
        var ct = CancellationToken.None;

        await Assert.ThrowsAsync<ArgumentNullException>(() => store.SaveAsync(null!, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(Write(workflowId: "bad id"), ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(Write(taskId: "a/b"), ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.SaveAsync(Write(attempt: 0), ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(new CheckpointWrite { WorkflowId = "w", TaskId = "t", Attempt = 1, Artifacts = ["a.txt"] }, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(new CheckpointWrite { WorkflowId = "w", TaskId = "t", Attempt = 1, Workdir = "relative/dir", Artifacts = ["a.txt"] }, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(new CheckpointWrite { WorkflowId = "w", TaskId = "t", Attempt = 1, Workdir = Workdir, Artifacts = [null!] }, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(new CheckpointWrite { WorkflowId = "w", TaskId = "t", Attempt = 1, Metadata = new Dictionary<string, string> { ["k"] = null! } }, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync("..\\x", "t1", 1, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync("wf-1", "", 1, ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.GetAsync("wf-1", "t1", 0, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ListAsync(null!, null, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ListAsync("wf-1", "t 1", ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.OpenContentAsync(null!, CheckpointEntryNames.AgentOutput, ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.OpenContentAsync(record, null!, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteWorkflowAsync("a b", ct));
        Assert.Empty(await store.ListAsync("w", null, ct));
    }
}

using System.Text;
using AgentManager.Persistence.Checkpoints;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace AgentManager.Tests.Persistence.Checkpoints;

public sealed class FileCheckpointStoreContractTests : CheckpointStoreContractTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 6, 7, 8, 9, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);

    private string Root => Path.Combine(TempDirectory, "store", "checkpoints");

    protected override Task<ICheckpointStore> CreateStoreAsync(CancellationToken cancellationToken) =>
        Task.FromResult<ICheckpointStore>(Open());

    private FileCheckpointStore Open(long maxEntryBytes = FileCheckpointStoreOptions.DefaultMaxEntryBytes) =>
        new(new FileCheckpointStoreOptions { RootDirectory = Root, MaxEntryBytes = maxEntryBytes }, _time);

    private string AttemptDirectory(string workflowId = "wf-1", string taskId = "t1", int attempt = 1) =>
        Path.Combine(Root, FileCheckpointStore.Segment(workflowId), FileCheckpointStore.Segment(taskId), "attempt-" + attempt);

    private string WriteManifestByHand(string json, string workflowId = "wf-1", string taskId = "t1", int attempt = 1)
    {
        var directory = AttemptDirectory(workflowId, taskId, attempt);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "manifest.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public async Task Read_ManifestWithAnUnknownSchemaVersion_IsRefusedNamingFileAndVersions()
    {
        var store = Open();
        await store.SaveAsync(Write(taskId: "t0"), CancellationToken.None);
        var path = WriteManifestByHand("""
            {"schemaVersion":99,"workflowId":"wf-1","taskId":"t1","attempt":1,"createdAt":"2030-01-01T00:00:00.0000000+00:00",
             "entries":[{"name":"agent-output","kind":"hologram","status":"stored","key":"x","size":1}]}
            """);

        var get = await Assert.ThrowsAsync<CheckpointSchemaException>(() => store.GetAsync("wf-1", "t1", 1, CancellationToken.None));
        var list = await Assert.ThrowsAsync<CheckpointSchemaException>(() => store.ListAsync("wf-1", null, CancellationToken.None));

        Assert.Equal((path, 99), (get.Location, get.FoundVersion));
        Assert.Equal([1], get.SupportedVersions);
        Assert.Equal(
            $"The checkpoint manifest '{path}' has schema version 99, which this version of AgentManager cannot read (it reads schema version 1); it was not read. Upgrade AgentManager to read it.",
            get.Message);
        Assert.Equal(path, list.Location);
        Assert.IsAssignableFrom<AgentManagerException>(get);
        Assert.NotNull(await store.GetAsync("wf-1", "t0", 1, CancellationToken.None));
    }

    [Theory]
    [InlineData("""{"workflowId":"wf-1","taskId":"t1","attempt":1,"entries":[]}""")]
    [InlineData("""{"schemaVersion":null,"workflowId":"wf-1","taskId":"t1","attempt":1,"entries":[]}""")]
    public async Task Read_ManifestWithoutASchemaVersion_IsRefused(string json)
    {
        var path = WriteManifestByHand(json);

        var ex = await Assert.ThrowsAsync<CheckpointSchemaException>(() => Open().GetAsync("wf-1", "t1", 1, CancellationToken.None));

        Assert.Null(ex.FoundVersion);
        Assert.Contains($"'{path}' has no schema version", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json", "is not valid JSON")]
    [InlineData("[1]", "is not a JSON object")]
    [InlineData("""{"schemaVersion":"1"}""", "schemaVersion is not an integer")]
    [InlineData("""{"schemaVersion":1.5}""", "schemaVersion is not an integer")]
    [InlineData("""{"schemaVersion":1,"workflowId":"wf-1","taskId":"t1","attempt":1,"createdAt":"2030-01-01T00:00:00.0000000+00:00"}""", "entries field is missing")]
    [InlineData("""{"schemaVersion":1,"workflowId":"wf-1","taskId":"t1","attempt":1,"createdAt":"yesterday","entries":[]}""", "createdAt 'yesterday'")]
    [InlineData("""{"schemaVersion":1,"workflowId":"wf-1","taskId":"t1","attempt":0,"createdAt":"2030-01-01T00:00:00.0000000+00:00","entries":[]}""", "attempt is missing or not a positive integer")]
    [InlineData("""{"schemaVersion":1,"workflowId":"wf-1","taskId":"t1","attempt":1,"createdAt":"2030-01-01T00:00:00.0000000+00:00","entries":[{"name":"x","kind":"artifact","status":"lost","size":0}]}""", "unknown status 'lost'")]
    [InlineData("""{"schemaVersion":1,"workflowId":"wf-1","taskId":"t1","attempt":1,"createdAt":"2030-01-01T00:00:00.0000000+00:00","entries":[{"name":"x","kind":"artifact","status":"stored","size":-1}]}""", "has no valid size")]
    [InlineData("""{"schemaVersion":1,"workflowId":"wf-2","taskId":"t1","attempt":1,"createdAt":"2030-01-01T00:00:00.0000000+00:00","entries":[]}""", "belongs to attempt 1 of task 't1' in workflow 'wf-2'")]
    public async Task Read_DamagedManifest_ThrowsNamingTheFile(string json, string problem)
    {
        var path = WriteManifestByHand(json);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Open().GetAsync("wf-1", "t1", 1, CancellationToken.None));

        Assert.Contains($"'{path}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ManifestWithUnknownFields_IgnoresThem()
    {
        WriteManifestByHand("""
            {"schemaVersion":1,"future":{"a":1},"workflowId":"wf-1","taskId":"t1","attempt":1,"createdAt":"2030-01-01T00:00:00.0000000+01:00",
             "entries":[{"name":"agent-output","kind":"agent_output","status":"stored","key":"wf-1/t1/attempt-1/agent-output.txt","size":2,"sha256":"ab","extra":true}]}
            """);

        var record = await Open().GetAsync("wf-1", "t1", 1, CancellationToken.None);

        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.FromHours(1)), record!.CreatedAt);
        Assert.Equal(2, Assert.Single(record.Entries).Size);
        Assert.Empty(record.Metadata);
    }

    [Fact]
    public async Task HalfWrittenCheckpoint_WithoutManifest_IsInvisibleAndReplacedByTheNextSave()
    {
        var store = Open();
        var debris = AttemptDirectory();
        Directory.CreateDirectory(debris);
        File.WriteAllText(Path.Combine(debris, "agent-output.txt"), "half");
        Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(debris)!, ".staging-0123"));
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(debris)!, ".staging-0123", "manifest.json"), "{}");

        Assert.Null(await store.GetAsync("wf-1", "t1", 1, CancellationToken.None));
        Assert.Empty(await store.ListAsync("wf-1", null, CancellationToken.None));
        Assert.Empty(await store.ListAsync("wf-1", "t1", CancellationToken.None));

        await store.SaveAsync(Write(agentOutput: "whole"), CancellationToken.None);

        var record = await store.GetAsync("wf-1", "t1", 1, CancellationToken.None);
        Assert.Equal("whole", Encoding.UTF8.GetString(await ReadAsync(store, record!, CheckpointEntryNames.AgentOutput)));
        Assert.Single(await store.ListAsync("wf-1", null, CancellationToken.None));
        Assert.Equal(1, await store.DeleteWorkflowAsync("wf-1", CancellationToken.None));
        Assert.False(Directory.Exists(Path.Combine(Root, "wf-1")));
    }

    [Fact]
    public async Task Save_WritesTheDocumentedLayoutAndLeavesNoStagingBehind()
    {
        var store = Open();
        WorkFile("out/Report.MD", "r");
        WorkFile("noext", "n");

        var record = await store.SaveAsync(Write(artifacts: ["out/Report.MD", "noext", "gone.txt"]), CancellationToken.None);

        Assert.Equal(
            ["wf-1/t1/attempt-1/agent-output.txt", "wf-1/t1/attempt-1/verification-output.txt", "wf-1/t1/attempt-1/artifact-001.md", "wf-1/t1/attempt-1/artifact-002", null],
            record.Entries.Select(e => e.Key));
        Assert.Equal(
            ["agent-output.txt", "artifact-001.md", "artifact-002", "manifest.json", "verification-output.txt"],
            Directory.GetFiles(AttemptDirectory()).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["attempt-1"], Directory.GetDirectories(Path.Combine(Root, "wf-1", "t1")).Select(Path.GetFileName));
        var manifest = File.ReadAllText(Path.Combine(AttemptDirectory(), "manifest.json"));
        Assert.Contains("\"schemaVersion\": 1", manifest, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"missing\"", manifest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_IdsThatAreNotPlainNames_StayInsideTheRoot()
    {
        var store = Open();

        await store.SaveAsync(Write("..", ".", agentOutput: "dots"), CancellationToken.None);
        await store.SaveAsync(Write("Wf:1", "A.b", agentOutput: "mixed"), CancellationToken.None);

        var directories = Directory.GetDirectories(Root).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, directories.Count);
        Assert.All(directories, d => Assert.Matches("^[a-z0-9_-]{1,47}~[0-9a-f]{16}$", d));
        Assert.False(File.Exists(Path.Combine(TempDirectory, "store", "manifest.json")));
        Assert.Equal("dots", Encoding.UTF8.GetString(await ReadAsync(store, (await store.GetAsync("..", ".", 1, CancellationToken.None))!, CheckpointEntryNames.AgentOutput)));
    }

    [Fact]
    public void Segment_AnyValidId_IsASafeDirectoryNameAndDistinctIdsGetDistinctNames()
    {
        var id = Gen.String[Gen.Char["ABYZabyz0189_.:-"], 1, Ids.MaxLength];

        Gen.Select(id, id).Sample((a, b) =>
        {
            var segment = FileCheckpointStore.Segment(a);
            Assert.Matches("^[a-z0-9_~-]{1,64}$", segment);
            Assert.NotEqual(a != b, string.Equals(segment, FileCheckpointStore.Segment(b), StringComparison.OrdinalIgnoreCase));
        });
    }

    [Fact]
    public async Task Save_EntriesOverTheSizeLimit_AreRecordedTooLargeAndTheRestIsStored()
    {
        var store = Open(maxEntryBytes: 16);
        WorkFile("big.txt", new string('b', 17));
        var exact = WorkFile("exact.txt", new string('e', 16));

        var record = await store.SaveAsync(Write(agentOutput: new string('a', 17), verificationOutput: "0123456789abcdef", artifacts: ["big.txt", "exact.txt"]), CancellationToken.None);

        var agent = record.FindEntry(CheckpointEntryNames.AgentOutput)!;
        Assert.Equal((CheckpointEntryStatus.TooLarge, null, 0L), (agent.Status, agent.Key, agent.Size));
        Assert.Equal("The agent output is 17 bytes, more than the limit of 16 bytes per checkpoint entry; it was not stored.", agent.Error);
        var big = record.FindEntry("artifacts/big.txt")!;
        Assert.Equal(CheckpointEntryStatus.TooLarge, big.Status);
        Assert.Equal("The artifact 'big.txt' is 17 bytes, more than the limit of 16 bytes per checkpoint entry; it was not stored.", big.Error);
        Assert.Equal(CheckpointEntryStatus.Stored, record.FindEntry(CheckpointEntryNames.VerificationOutput)!.Status);
        Assert.Equal(exact, await ReadAsync(store, record, "artifacts/exact.txt"));
        Assert.Equal(["artifact-002.txt", "manifest.json", "verification-output.txt"], Directory.GetFiles(AttemptDirectory()).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Save_MultiByteOutput_IsMeasuredInUtf8Bytes()
    {
        var store = Open(maxEntryBytes: 4);

        var record = await store.SaveAsync(Write(agentOutput: "✓✓", verificationOutput: "✓"), CancellationToken.None);

        Assert.Equal(CheckpointEntryStatus.TooLarge, record.FindEntry(CheckpointEntryNames.AgentOutput)!.Status);
        Assert.Equal(3, record.FindEntry(CheckpointEntryNames.VerificationOutput)!.Size);
    }

    [Fact]
    public async Task Save_SymbolicLinkLeadingOutOfTheWorkdir_IsRefused()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // creating links needs a privilege there; WorkdirPathTests cover the rule itself
        }

        var store = Open();
        var secret = Path.Combine(TempDirectory, "secret.txt");
        File.WriteAllText(secret, "secret");
        File.CreateSymbolicLink(Path.Combine(Workdir, "leak.txt"), secret);
        Directory.CreateSymbolicLink(Path.Combine(Workdir, "up"), TempDirectory);
        WorkFile("real.txt", "real");
        File.CreateSymbolicLink(Path.Combine(Workdir, "inside.txt"), Path.Combine(Workdir, "real.txt"));

        var record = await store.SaveAsync(Write(artifacts: ["leak.txt", "up/secret.txt", "inside.txt"]), CancellationToken.None);

        Assert.Equal(CheckpointEntryStatus.Refused, record.FindEntry("artifacts/leak.txt")!.Status);
        Assert.Contains("through a symbolic link, outside the root", record.FindEntry("artifacts/leak.txt")!.Error, StringComparison.Ordinal);
        Assert.Equal(CheckpointEntryStatus.Refused, record.FindEntry("artifacts/up/secret.txt")!.Status);
        Assert.Equal("real", Encoding.UTF8.GetString(await ReadAsync(store, record, "artifacts/inside.txt")));
    }

    [Fact]
    public async Task Save_UnreadableArtifact_IsRecordedUnreadable()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName == "root")
        {
            return; // root reads every file; Windows has no POSIX modes
        }

        var store = Open();
        WorkFile("locked.txt", "x");
        File.SetUnixFileMode(Path.Combine(Workdir, "locked.txt"), UnixFileMode.None);

        var record = await store.SaveAsync(Write(artifacts: ["locked.txt"]), CancellationToken.None);

        Assert.Equal(CheckpointEntryStatus.Unreadable, record.FindEntry("artifacts/locked.txt")!.Status);
    }

    [Fact]
    public async Task OpenContent_KeyOutsideTheRecordsAttempt_IsRefused()
    {
        var store = Open();
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(TempDirectory, "store", "elsewhere.txt"), "x");
        var record = await store.SaveAsync(Write(), CancellationToken.None);
        var other = await store.SaveAsync(Write(attempt: 2), CancellationToken.None);

        foreach (var key in new[] { "../elsewhere.txt", "wf-1/t1/attempt-1/../../../../elsewhere.txt", other.Entries[0].Key!, "wf-1/t1/attempt-1/", "/etc/passwd" })
        {
            var forged = record with { Entries = [record.Entries[0] with { Key = key }] };

            var ex = await Assert.ThrowsAsync<ArgumentException>(() => store.OpenContentAsync(forged, CheckpointEntryNames.AgentOutput, CancellationToken.None));

            Assert.Contains($"The key '{key}'", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Reopen_SameRoot_FindsEveryCheckpoint()
    {
        await Open().SaveAsync(Write(attempt: 1), CancellationToken.None);
        await Open().SaveAsync(Write(attempt: 2), CancellationToken.None);

        var reopened = Open();

        Assert.Equal([1, 2], (await reopened.ListAsync("wf-1", "t1", CancellationToken.None)).Select(r => r.Attempt));
        await Assert.ThrowsAsync<InvalidOperationException>(() => reopened.SaveAsync(Write(attempt: 2), CancellationToken.None));
    }

    [Fact]
    public async Task CreatedAt_ComesFromTheTimeProvider()
    {
        var store = Open();
        _time.Advance(TimeSpan.FromMinutes(3));

        var record = await store.SaveAsync(Write(), CancellationToken.None);

        Assert.Equal(Now.AddMinutes(3), record.CreatedAt);
        Assert.Equal(Now.AddMinutes(3), (await store.GetAsync("wf-1", "t1", 1, CancellationToken.None))!.CreatedAt);
    }

    [Fact]
    public void Options_Defaults_AreTheDocumentedValues()
    {
        var options = new FileCheckpointStoreOptions();

        Assert.Equal(Path.Combine("agentmanager-data", "checkpoints"), options.RootDirectory);
        Assert.Equal(64L * 1024 * 1024, options.MaxEntryBytes);
        Assert.Equal(FileCheckpointStoreOptions.DefaultMaxEntryBytes, options.MaxEntryBytes);
        Assert.Equal(Path.GetFullPath(options.RootDirectory), new FileCheckpointStore(options, TimeProvider.System).RootDirectory);
    }

    [Fact]
    public void Constructor_ArgValidation()
    {
        Assert.Throws<ArgumentNullException>(() => new FileCheckpointStore(null!, TimeProvider.System));
        Assert.Throws<ArgumentNullException>(() => new FileCheckpointStore(new FileCheckpointStoreOptions(), null!));
        var blank = Assert.Throws<ArgumentException>(() => new FileCheckpointStore(new FileCheckpointStoreOptions { RootDirectory = " " }, TimeProvider.System));
        Assert.Contains("RootDirectory is blank", blank.Message, StringComparison.Ordinal);
        var negative = Assert.Throws<ArgumentException>(() => new FileCheckpointStore(new FileCheckpointStoreOptions { MaxEntryBytes = -1 }, TimeProvider.System));
        Assert.Contains("MaxEntryBytes is -1", negative.Message, StringComparison.Ordinal);
    }
}

using System.Security.Cryptography;
using System.Text;
using AgentManager.Agents;

namespace AgentManager.Persistence.Checkpoints;

/// <summary>One entry a <see cref="CheckpointWrite"/> asks for, before it is stored: text in memory, a
/// checked file under the working directory, or an artifact already known to be unusable. Store-agnostic:
/// every store plans with <see cref="Plan"/> and copies with <see cref="CopyToAsync"/>, so path safety,
/// size limits and hashing are the same everywhere.</summary>
internal sealed class CheckpointSource
{
    private const int BufferSize = 81920;

    private CheckpointSource(string name, CheckpointEntryKind kind)
    {
        Name = name;
        Kind = kind;
    }

    public string Name { get; }

    public CheckpointEntryKind Kind { get; }

    /// <summary>Gets the artifact path as declared.</summary>
    public string? SourcePath { get; private init; }

    /// <summary>Gets the text of an output entry.</summary>
    public string? Text { get; private init; }

    /// <summary>Gets the checked full path of an artifact.</summary>
    public string? FullPath { get; private init; }

    /// <summary>Gets the entry to record as it is, without copying anything, when the artifact was refused.</summary>
    public CheckpointEntry? Skipped { get; private init; }

    /// <summary>Checks the parts of a write that are the caller's mistakes.</summary>
    /// <exception cref="ArgumentException">An id is invalid, the attempt is below 1, the metadata holds a
    /// null, or artifacts are declared without a fully qualified working directory.</exception>
    public static void Validate(CheckpointWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Ids.ThrowIfInvalid(write.WorkflowId, nameof(write) + "." + nameof(CheckpointWrite.WorkflowId));
        Ids.ThrowIfInvalid(write.TaskId, nameof(write) + "." + nameof(CheckpointWrite.TaskId));
        if (write.Attempt < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(write), write.Attempt, $"The attempt number {write.Attempt} is invalid; attempts count from 1.");
        }

        if (write.Artifacts is null || write.Metadata is null)
        {
            throw new ArgumentException("CheckpointWrite.Artifacts and CheckpointWrite.Metadata must not be null.", nameof(write));
        }

        foreach (var (key, value) in write.Metadata)
        {
            if (value is null)
            {
                throw new ArgumentException($"The checkpoint metadata '{key}' has a null value.", nameof(write));
            }
        }

        if (write.Artifacts.Count == 0)
        {
            return;
        }

        if (write.Workdir is null || !Path.IsPathFullyQualified(write.Workdir))
        {
            throw new ArgumentException(
                $"The checkpoint of task '{write.TaskId}' declares {write.Artifacts.Count} artifact(s) but its working directory '{write.Workdir}' is not a fully qualified path.",
                nameof(write));
        }

        if (write.Artifacts.Any(a => a is null))
        {
            throw new ArgumentException($"The checkpoint of task '{write.TaskId}' declares a null artifact path.", nameof(write));
        }
    }

    /// <summary>Gets the file name of this entry's content in a checkpoint: the outputs by their kind, an artifact by its
    /// number (from 1, in declaration order) with the extension of its declared name when that is short and plain.</summary>
    public string ContentFileName(int artifactNumber)
    {
        if (Kind == CheckpointEntryKind.AgentOutput)
        {
            return "agent-output.txt";
        }

        if (Kind == CheckpointEntryKind.VerificationOutput)
        {
            return "verification-output.txt";
        }

        var lastSegment = Name[(Name.LastIndexOf('/') + 1)..];
        var dot = lastSegment.LastIndexOf('.');
        var extension = dot > 0 && lastSegment.Length - dot - 1 is >= 1 and <= 16 && lastSegment[(dot + 1)..].All(char.IsAsciiLetterOrDigit)
            ? lastSegment[dot..].ToLowerInvariant()
            : "";
        return "artifact-" + artifactNumber.ToString("D3", System.Globalization.CultureInfo.InvariantCulture) + extension;
    }

    /// <summary>Lists the entries of a validated write in manifest order: agent output, verification
    /// output, then each distinct artifact in declaration order, with the working-directory policy applied.</summary>
    public static List<CheckpointSource> Plan(CheckpointWrite write)
    {
        var sources = new List<CheckpointSource>();
        if (write.AgentOutput is not null)
        {
            sources.Add(new(CheckpointEntryNames.AgentOutput, CheckpointEntryKind.AgentOutput) { Text = write.AgentOutput });
        }

        if (write.VerificationOutput is not null)
        {
            sources.Add(new(CheckpointEntryNames.VerificationOutput, CheckpointEntryKind.VerificationOutput) { Text = write.VerificationOutput });
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var declared in write.Artifacts)
        {
            var name = CheckpointEntryNames.Artifact(declared);
            if (seen.Add(name))
            {
                sources.Add(PlanArtifact(write.Workdir!, declared, name));
            }
        }

        return sources;
    }

    /// <summary>Copies the content into <paramref name="destination"/>, counting and hashing it.</summary>
    /// <returns>The entry to record with <paramref name="key"/> when stored; when not stored (too large,
    /// missing, unreadable) the entry says why and the destination holds a partial copy to discard.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="IOException">Writing to <paramref name="destination"/> failed.</exception>
    public async Task<CheckpointEntry> CopyToAsync(Stream destination, string key, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (Skipped is not null)
        {
            return Skipped;
        }

        if (Text is not null)
        {
            var size = Encoding.UTF8.GetByteCount(Text);
            if (size > maxBytes)
            {
                return NotStored(CheckpointEntryStatus.TooLarge, TooLargeMessage(size, maxBytes));
            }

            var bytes = Encoding.UTF8.GetBytes(Text);

            await destination.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            return Stored(key, bytes.LongLength, SHA256.HashData(bytes));
        }

        Stream source;
        try
        {
            if (Directory.Exists(FullPath))
            {
                return NotStored(CheckpointEntryStatus.Refused, $"The artifact '{SourcePath}' is a directory; declare the files in it.");
            }

            source = new FileStream(FullPath!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return NotStored(CheckpointEntryStatus.Missing, $"The artifact '{SourcePath}' was declared but no file exists at '{FullPath}'.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return NotStored(CheckpointEntryStatus.Unreadable, $"The artifact '{SourcePath}' at '{FullPath}' could not be opened: {ex.Message}");
        }

        await using (source.ConfigureAwait(false))
        {
            if (source.Length > maxBytes)
            {
                return NotStored(CheckpointEntryStatus.TooLarge, TooLargeMessage(source.Length, maxBytes));
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[BufferSize];
            long total = 0;
            while (true)
            {
                int read;
                try
                {
                    read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException ex)
                {
                    return NotStored(CheckpointEntryStatus.Unreadable, $"The artifact '{SourcePath}' at '{FullPath}' could not be read: {ex.Message}");
                }

                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > maxBytes)
                {
                    return NotStored(CheckpointEntryStatus.TooLarge, $"The {Describe()} grew past the limit of {maxBytes} bytes per checkpoint entry while it was copied; it was not stored.");
                }

                hash.AppendData(buffer, 0, read);
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }

            return Stored(key, total, hash.GetHashAndReset());
        }
    }

    private static CheckpointSource PlanArtifact(string workdir, string declared, string name)
    {
        var source = new CheckpointSource(name, CheckpointEntryKind.Artifact) { SourcePath = declared };
        if (name.Length == CheckpointEntryNames.ArtifactPrefix.Length)
        {
            return source.Refuse($"The artifact path '{declared}' names the working directory itself; declare files.");
        }

        string fullPath;
        string? error;
        try
        {
            if (!WorkdirPath.TryResolve(workdir, declared, out fullPath, out error))
            {
                return source.Refuse(error!);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return source.Refuse($"The artifact path '{declared}' could not be checked under '{workdir}': {ex.Message}");
        }

        return new CheckpointSource(name, CheckpointEntryKind.Artifact) { SourcePath = declared, FullPath = fullPath };
    }

    private CheckpointSource Refuse(string error) => new(Name, Kind) { SourcePath = SourcePath, Skipped = NotStored(CheckpointEntryStatus.Refused, error) };

    private string Describe() => Kind switch
    {
        CheckpointEntryKind.AgentOutput => "agent output",
        CheckpointEntryKind.VerificationOutput => "verification output",
        _ => $"artifact '{SourcePath}'",
    };

    private string TooLargeMessage(long size, long maxBytes) =>
        $"The {Describe()} is {size} bytes, more than the limit of {maxBytes} bytes per checkpoint entry; it was not stored.";

    private CheckpointEntry Stored(string key, long size, byte[] sha256) => new()
    {
        Name = Name,
        Kind = Kind,
        Status = CheckpointEntryStatus.Stored,
        Key = key,
        Size = size,
        Sha256 = Convert.ToHexStringLower(sha256),
        SourcePath = SourcePath,
    };

    private CheckpointEntry NotStored(CheckpointEntryStatus status, string error) => new()
    {
        Name = Name,
        Kind = Kind,
        Status = status,
        SourcePath = SourcePath,
        Error = error,
    };
}

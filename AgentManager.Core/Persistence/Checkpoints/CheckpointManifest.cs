using System.Globalization;
using System.Text.Json;

namespace AgentManager.Persistence.Checkpoints;

/// <summary>The manifest of a checkpoint as JSON: written last, read first. Store-agnostic, so every
/// <see cref="ICheckpointStore"/> writes the same document and refuses the same versions.</summary>
/// <remarks>Schema version 1:
/// <c>{"schemaVersion":1,"workflowId":…,"taskId":…,"attempt":1,"createdAt":"ISO 8601","metadata":{…},
/// "entries":[{"name":…,"kind":"agent_output|verification_output|artifact","status":"stored|missing|refused|too_large|unreadable",
/// "key":…,"size":0,"sha256":…,"sourcePath":…,"error":…}]}</c>. Unknown fields are ignored; a change that
/// an older reader would misread needs a new version.</remarks>
internal static class CheckpointManifest
{
    public const string FileName = "manifest.json";

    public static readonly IReadOnlyList<int> SupportedSchemaVersions = [CheckpointRecord.CurrentSchemaVersion];

    /// <summary>The record of a save: the write's workflow, task, attempt and metadata, with the entries as stored.</summary>
    public static CheckpointRecord Record(CheckpointWrite write, IReadOnlyList<CheckpointEntry> entries, DateTimeOffset createdAt) => new()
    {
        WorkflowId = write.WorkflowId,
        TaskId = write.TaskId,
        Attempt = write.Attempt,
        CreatedAt = createdAt,
        Metadata = new Dictionary<string, string>(write.Metadata, StringComparer.Ordinal),
        Entries = entries,
    };

    public static byte[] Serialize(CheckpointRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", CheckpointRecord.CurrentSchemaVersion);
            json.WriteString("workflowId", record.WorkflowId);
            json.WriteString("taskId", record.TaskId);
            json.WriteNumber("attempt", record.Attempt);
            json.WriteString("createdAt", record.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
            json.WriteStartObject("metadata");
            foreach (var (key, value) in record.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteStartArray("entries");
            foreach (var entry in record.Entries)
            {
                json.WriteStartObject();
                json.WriteString("name", entry.Name);
                json.WriteString("kind", KindName(entry.Kind));
                json.WriteString("status", StatusName(entry.Status));
                WriteOptional(json, "key", entry.Key);
                json.WriteNumber("size", entry.Size);
                WriteOptional(json, "sha256", entry.Sha256);
                WriteOptional(json, "sourcePath", entry.SourcePath);
                WriteOptional(json, "error", entry.Error);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a manifest, checking its schema version before anything else.</summary>
    /// <param name="utf8Json">The manifest.</param>
    /// <param name="location">The file path or object key, for error messages.</param>
    /// <exception cref="CheckpointSchemaException">The version is absent or not supported.</exception>
    /// <exception cref="InvalidDataException">The manifest is not a valid version-1 document.</exception>
    public static CheckpointRecord Deserialize(ReadOnlyMemory<byte> utf8Json, string location)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json);
        }
        catch (JsonException ex)
        {
            throw Invalid(location, $"it is not valid JSON ({ex.Message})", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(location, "it is not a JSON object");
            }

            if (!root.TryGetProperty("schemaVersion", out var versionElement) || versionElement.ValueKind == JsonValueKind.Null)
            {
                throw new CheckpointSchemaException(location, null, SupportedSchemaVersions);
            }

            if (versionElement.ValueKind != JsonValueKind.Number || !versionElement.TryGetInt32(out var version))
            {
                throw Invalid(location, "its schemaVersion is not an integer");
            }

            if (!SupportedSchemaVersions.Contains(version))
            {
                throw new CheckpointSchemaException(location, version, SupportedSchemaVersions);
            }

            return ReadVersion1(root, location);
        }
    }

    private static CheckpointRecord ReadVersion1(JsonElement root, string location)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("metadata", out var metadataElement) && metadataElement.ValueKind != JsonValueKind.Null)
        {
            if (metadataElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(location, "its metadata is not an object");
            }

            foreach (var property in metadataElement.EnumerateObject())
            {
                metadata[property.Name] = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()!
                    : throw Invalid(location, $"its metadata field '{property.Name}' is not a string");
            }
        }

        var entries = new List<CheckpointEntry>();
        if (!root.TryGetProperty("entries", out var entriesElement) || entriesElement.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(location, "its entries field is missing or not an array");
        }

        foreach (var element in entriesElement.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(location, "an entry is not an object");
            }

            var name = RequiredString(element, "name", location);
            var kindName = RequiredString(element, "kind", location);
            var statusName = RequiredString(element, "status", location);
            entries.Add(new CheckpointEntry
            {
                Name = name,
                Kind = ParseKind(kindName) ?? throw Invalid(location, $"entry '{name}' has the unknown kind '{kindName}'"),
                Status = ParseStatus(statusName) ?? throw Invalid(location, $"entry '{name}' has the unknown status '{statusName}'"),
                Key = OptionalString(element, "key", location),
                Size = element.TryGetProperty("size", out var size) && size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out var bytes) && bytes >= 0
                    ? bytes
                    : throw Invalid(location, $"entry '{name}' has no valid size"),
                Sha256 = OptionalString(element, "sha256", location),
                SourcePath = OptionalString(element, "sourcePath", location),
                Error = OptionalString(element, "error", location),
            });
        }

        var createdAt = RequiredString(root, "createdAt", location);
        return new CheckpointRecord
        {
            SchemaVersion = CheckpointRecord.CurrentSchemaVersion,
            WorkflowId = RequiredString(root, "workflowId", location),
            TaskId = RequiredString(root, "taskId", location),
            Attempt = root.TryGetProperty("attempt", out var attempt) && attempt.ValueKind == JsonValueKind.Number && attempt.TryGetInt32(out var number) && number >= 1
                ? number
                : throw Invalid(location, "its attempt is missing or not a positive integer"),
            CreatedAt = DateTimeOffset.TryParseExact(createdAt, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var created)
                ? created
                : throw Invalid(location, $"its createdAt '{createdAt}' is not an ISO 8601 time"),
            Metadata = metadata,
            Entries = entries,
        };
    }

    private static string KindName(CheckpointEntryKind kind) => kind switch
    {
        CheckpointEntryKind.AgentOutput => "agent_output",
        CheckpointEntryKind.VerificationOutput => "verification_output",
        _ => "artifact",
    };

    private static CheckpointEntryKind? ParseKind(string value) => value switch
    {
        "agent_output" => CheckpointEntryKind.AgentOutput,
        "verification_output" => CheckpointEntryKind.VerificationOutput,
        "artifact" => CheckpointEntryKind.Artifact,
        _ => null,
    };

    private static string StatusName(CheckpointEntryStatus status) => status switch
    {
        CheckpointEntryStatus.Stored => "stored",
        CheckpointEntryStatus.Missing => "missing",
        CheckpointEntryStatus.Refused => "refused",
        CheckpointEntryStatus.TooLarge => "too_large",
        _ => "unreadable",
    };

    private static CheckpointEntryStatus? ParseStatus(string value) => value switch
    {
        "stored" => CheckpointEntryStatus.Stored,
        "missing" => CheckpointEntryStatus.Missing,
        "refused" => CheckpointEntryStatus.Refused,
        "too_large" => CheckpointEntryStatus.TooLarge,
        "unreadable" => CheckpointEntryStatus.Unreadable,
        _ => null,
    };

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static string RequiredString(JsonElement element, string name, string location) =>
        OptionalString(element, name, location) ?? throw Invalid(location, $"its field '{name}' is missing");

    private static string? OptionalString(JsonElement element, string name, string location)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid(location, $"its field '{name}' is not a string");
    }

    private static InvalidDataException Invalid(string location, string problem, Exception? inner = null) =>
        new($"The checkpoint manifest '{location}' cannot be read: {problem}.", inner);
}

using System.Text.Json;

namespace AgentManager.Execution;

/// <summary>The file through which an agent process reports what it consumed (see
/// <see cref="AgentEnvironment.UsageFile"/>): one JSON object with optional non-negative <c>input_tokens</c>,
/// <c>output_tokens</c> (integers) and <c>cost</c> (a number). Other properties are ignored, so an agent may
/// write more (a model name, say).</summary>
internal static class ProcessUsageFile
{
    /// <summary>Larger files are refused: a usage report is a few dozen bytes.</summary>
    public const int MaxBytes = 64 * 1024;

    private const string Expected = "expected a JSON object such as {\"input_tokens\": 1200, \"output_tokens\": 340, \"cost\": 0.012} with non-negative numbers";

    /// <summary>A new path in the temporary directory, unique to one run.</summary>
    public static string NewPath() => Path.Combine(Path.GetTempPath(), "agentmanager-usage-" + Guid.NewGuid().ToString("N") + ".json");

    /// <summary>Reads the usage the process wrote and deletes the file. No file, or an empty one, is no report.</summary>
    /// <param name="path">The file.</param>
    /// <param name="usage">The usage reported; <see langword="null"/> when none was.</param>
    /// <param name="error">Why the file cannot be read as usage; <see langword="null"/> when it can.</param>
    /// <returns><see langword="true"/> unless the file holds something that is not a usage report.</returns>
    public static bool TryRead(string path, out AgentUsage? usage, out string? error)
    {
        usage = null;
        error = null;
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return true;
            }

            if (info.Length > MaxBytes)
            {
                error = $"it holds {info.Length} bytes, more than the {MaxBytes} a usage report may have";
                return false;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (IOException exception)
        {
            error = exception.Message;
            return false;
        }
        catch (UnauthorizedAccessException exception)
        {
            error = exception.Message;
            return false;
        }
        finally
        {
            Delete(path);
        }

        if (bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            usage = Parse(document.RootElement, out error);
            return error is null;
        }
        catch (JsonException exception)
        {
            error = $"it is not valid JSON ({exception.Message}); {Expected}";
            return false;
        }
    }

    /// <summary>Deletes the file if it is there; a file that cannot be deleted is left in the temporary directory.</summary>
    public static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static AgentUsage? Parse(JsonElement root, out string? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = $"it holds a JSON {root.ValueKind.ToString().ToLowerInvariant()}; {Expected}";
            return null;
        }

        long input = 0, output = 0;
        decimal cost = 0;
        foreach (var property in root.EnumerateObject())
        {
            var valid = property.Name switch
            {
                "input_tokens" => property.Value.TryGetInt64(out input) && input >= 0,
                "output_tokens" => property.Value.TryGetInt64(out output) && output >= 0,
                "cost" => property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDecimal(out cost) && cost >= 0,
                _ => true,
            };
            if (!valid)
            {
                error = $"'{property.Name}' is {property.Value.GetRawText()}, not a non-negative {(property.Name == "cost" ? "number" : "integer")}; {Expected}";
                return null;
            }
        }

        return new AgentUsage { InputTokens = input, OutputTokens = output, Cost = cost };
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace AgentManager.Agents;

/// <summary>Splits a Markdown file with a JSON front matter: a first line <c>---</c>, a JSON object, a line
/// <c>---</c>, then the Markdown body.</summary>
internal static class FrontMatter
{
    private const string Fence = "---";

    /// <summary>Parses the front matter of <paramref name="text"/>.</summary>
    /// <param name="text">The whole file.</param>
    /// <param name="document">The front matter, a JSON object; the caller disposes it.</param>
    /// <param name="body">The Markdown after the closing line, without leading and trailing blank space.</param>
    /// <param name="error">Why the file has no valid front matter, starting with the line number.</param>
    public static bool TryParse(
        string text,
        [NotNullWhen(true)] out JsonDocument? document,
        out string body,
        [NotNullWhen(false)] out string? error)
    {
        document = null;
        body = "";
        var lines = text.TrimStart('\uFEFF').Split('\n').Select(line => line.TrimEnd('\r')).ToArray();
        if (lines[0].TrimEnd() != Fence)
        {
            error = "line 1: the file must start with a line '---' that opens the JSON front matter";
            return false;
        }

        var close = Array.FindIndex(lines, 1, line => line.TrimEnd() == Fence);
        if (close < 0)
        {
            error = "the front matter opened on line 1 has no closing '---' line";
            return false;
        }

        var json = string.Join('\n', lines[1..close]);
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException exception)
        {
            var line = (exception.LineNumber ?? 0) + 2;
            var column = (exception.BytePositionInLine ?? 0) + 1;
            error = $"line {line}, column {column}: malformed JSON front matter: {Describe(exception)}";
            return false;
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            error = $"line 2: the front matter must be a JSON object, not {JsonFields.Describe(document.RootElement.ValueKind)}";
            document.Dispose();
            document = null;
            return false;
        }

        body = string.Join('\n', lines[(close + 1)..]).Trim();
        error = null;
        return true;
    }

    /// <summary>The parser's message without its own position, which counts from the JSON, not the file.</summary>
    private static string Describe(JsonException exception)
    {
        var message = exception.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        }

        return (cut < 0 ? message : message[..cut]).Trim();
    }
}

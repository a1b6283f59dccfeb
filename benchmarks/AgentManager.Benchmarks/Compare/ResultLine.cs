using System.Globalization;

namespace AgentManager.Benchmarks.Compare;

/// <summary>A throughput result line read back: its <c>key=value</c> fields.</summary>
internal sealed class ResultLine
{
    private readonly Dictionary<string, string> _fields;

    private ResultLine(Dictionary<string, string> fields, string text)
    {
        _fields = fields;
        Text = text;
    }

    public string Text { get; }

    public string? this[string key] => _fields.TryGetValue(key, out var value) ? value : null;

    public double? Number(string key) =>
        this[key] is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Finds the last line of <paramref name="output"/> that starts with <c>engine=</c>.</summary>
    public static ResultLine? Find(string output)
    {
        var line = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("engine=", StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                fields[field[..equals]] = field[(equals + 1)..];
            }
        }

        return new ResultLine(fields, line);
    }
}

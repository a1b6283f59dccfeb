using System.Globalization;

namespace AgentManager.Benchmarks.Cli;

/// <summary>The <c>--name value</c> options and <c>--flag</c> switches of one command.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private Arguments()
    {
    }

    /// <summary>Parses arguments; an option followed by another option or by nothing is a switch.</summary>
    public static Arguments Parse(IReadOnlyList<string> args)
    {
        var line = new Arguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"Unexpected argument '{arg}'.");
            }

            string? value = null;
            if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }

            line._options[arg[2..]] = value;
        }

        return line;
    }

    public string? Text(string name)
    {
        _read.Add(name);
        return _options.TryGetValue(name, out var value) ? value ?? throw new UsageException($"--{name} needs a value.") : null;
    }

    public string Text(string name, string fallback) => Text(name) ?? fallback;

    public int Int(string name, int fallback, int min = 1)
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
        {
            throw new UsageException($"--{name} must be an integer of at least {min}, not '{text}'.");
        }

        return value;
    }

    public bool Switch(string name)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var value))
        {
            return false;
        }

        return value is null ? true : throw new UsageException($"--{name} takes no value.");
    }

    /// <summary>Fails on an option that no reader asked for, so typos do not pass silently.</summary>
    public void ThrowIfUnknown()
    {
        foreach (var name in _options.Keys)
        {
            if (!_read.Contains(name))
            {
                throw new UsageException($"Unknown option --{name}.");
            }
        }
    }
}

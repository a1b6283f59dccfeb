using System.Globalization;
using System.Text.Json;
using AgentManager.Agents;
using AgentManager.Execution;

namespace AgentManager.Hooks;

/// <summary>Reads <c>hooks.json</c>, the hooks file of a configuration directory.</summary>
/// <remarks>
/// <para>The file is a JSON object (comments and trailing commas allowed) with one field, <c>hooks</c>: an
/// array of objects with <c>name</c> (required, an id), <c>point</c> (required, a
/// <see cref="HookPointNames">wire name</see>), <c>command</c> (required: an argument vector, or a string split
/// into one without a shell as <see cref="CommandVerifier.Parse"/> does), <c>timeout_seconds</c> (above 0, at
/// most 86400; default 30), <c>allow_failure</c> (default false), <c>enabled</c> (default true), <c>env</c>
/// (an object of strings) and <c>working_directory</c> (relative to the file's directory, which is also the
/// default). Unknown and repeated fields, wrong JSON types and repeated hook names are errors.</para>
/// </remarks>
public static class HooksFile
{
    /// <summary>The file name looked for in a configuration directory: <c>hooks.json</c>.</summary>
    public const string FileName = "hooks.json";

    private static readonly string[] RootFields = ["hooks"];
    private static readonly string[] HookFields =
        ["name", "point", "command", "timeout_seconds", "allow_failure", "enabled", "env", "working_directory"];

    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Reads and checks a hooks file.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>The hooks, in file order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="HookConfigurationException">The file does not exist, cannot be read, is not valid JSON
    /// or breaks a rule; every problem is listed as <c>&lt;full path&gt;: hooks[i].field: rule</c>.</exception>
    public static IReadOnlyList<HookDefinition> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fullPath = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new HookConfigurationException([$"{fullPath}: the hooks file could not be read: {exception.Message}"]);
        }

        var errors = new List<FieldError>();
        var hooks = Parse(text, Path.GetDirectoryName(fullPath)!, errors, out var syntaxError);
        if (syntaxError is not null)
        {
            throw new HookConfigurationException([$"{fullPath}: {syntaxError}"]);
        }

        return errors.Count > 0
            ? throw new HookConfigurationException(errors.Select(error => $"{fullPath}: {error}"))
            : hooks;
    }

    private static List<HookDefinition> Parse(string text, string directory, List<FieldError> errors, out string? syntaxError)
    {
        syntaxError = null;
        var hooks = new List<HookDefinition>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, JsonOptions);
        }
        catch (JsonException exception)
        {
            syntaxError = string.Create(
                CultureInfo.InvariantCulture,
                $"line {(exception.LineNumber ?? 0) + 1}, column {(exception.BytePositionInLine ?? 0) + 1}: malformed JSON: {ErrorText.Of(exception)}");
            return hooks;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                syntaxError = $"the file must hold a JSON object {{\"hooks\": [...]}}, not {JsonFields.Describe(document.RootElement.ValueKind)}";
                return hooks;
            }

            var root = new JsonFields(document.RootElement, "", errors, RootFields);
            if (root.Array("hooks") is not { } array)
            {
                if (!errors.Exists(error => error.Field == "hooks"))
                {
                    errors.Add(new("hooks", "required: an array of hook objects"));
                }

                return hooks;
            }

            var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            var index = 0;
            foreach (var element in array.EnumerateArray())
            {
                var at = $"hooks[{index}]";
                if (element.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new(at, $"must be an object, not {JsonFields.Describe(element.ValueKind)}"));
                }
                else
                {
                    var hook = ReadHook(element, at, directory, errors, out var name);
                    if (name is not null && !firstIndex.TryAdd(name, index))
                    {
                        errors.Add(new(at + ".name", $"'{name}' is already the name of hooks[{firstIndex[name]}]; hook names must be unique"));
                    }
                    else if (hook is not null)
                    {
                        hooks.Add(hook);
                    }
                }

                index++;
            }
        }

        return hooks;
    }

    /// <summary>Reads one hook object; <see langword="null"/> when it has errors (all recorded).</summary>
    private static HookDefinition? ReadHook(JsonElement element, string at, string directory, List<FieldError> errors, out string? name)
    {
        var before = errors.Count;
        var fields = new JsonFields(element, at + ".", errors, HookFields);
        name = fields.String("name");
        if (name is null && fields.Value("name") is null)
        {
            fields.Error("name", "required; every hook needs a name matching " + Ids.Pattern);
        }

        HookPoint point = default;
        if (fields.String("point") is { } pointText)
        {
            if (!HookPointNames.TryParse(pointText, out point))
            {
                fields.Error("point", $"'{pointText}' is not a hook point; use one of {string.Join(", ", HookPointNames.All)}");
            }
        }
        else if (fields.Value("point") is null)
        {
            fields.Error("point", $"required; one of {string.Join(", ", HookPointNames.All)}");
        }

        var command = ReadCommand(fields);
        var timeout = HookDefinition.DefaultTimeout;
        if (fields.Number("timeout_seconds") is { } seconds)
        {
            if (!(seconds > 0 && seconds <= HookDefinition.MaxTimeout.TotalSeconds))
            {
                fields.Error("timeout_seconds", string.Create(CultureInfo.InvariantCulture, $"{seconds} is out of range; it must be above 0 and at most {HookDefinition.MaxTimeout.TotalSeconds}"));
            }
            else
            {
                timeout = TimeSpan.FromSeconds(seconds);
            }
        }

        var allowFailure = fields.Bool("allow_failure") ?? false;
        var enabled = fields.Bool("enabled") ?? true;
        var env = fields.Map("env") ?? [];
        var workingDirectory = directory;
        if (fields.String("working_directory") is { } workdirText)
        {
            if (string.IsNullOrWhiteSpace(workdirText))
            {
                fields.Error("working_directory", "must not be blank; omit it to run in the file's directory");
            }
            else
            {
                workingDirectory = Path.GetFullPath(workdirText, directory);
            }
        }

        if (errors.Count > before)
        {
            return null;
        }

        var hook = new HookDefinition
        {
            Name = name!,
            Point = point,
            Command = command!,
            Timeout = timeout,
            AllowFailure = allowFailure,
            Enabled = enabled,
            Environment = env,
            WorkingDirectory = workingDirectory,
        };
        foreach (var problem in hook.Problems())
        {
            errors.Add(new(at + "." + problem.Field, problem.Message));
        }

        return errors.Count > before ? null : hook;
    }

    private static List<string>? ReadCommand(JsonFields fields)
    {
        switch (fields.Value("command"))
        {
            case null:
                fields.Error("command", "required: an argument vector such as [\"notify\", \"--plan\"] or a command line (no shell is used)");
                return null;
            case { ValueKind: JsonValueKind.String } line:
                try
                {
                    return [.. CommandLine.Split(line.GetString()!)];
                }
                catch (ArgumentException exception)
                {
                    fields.Error("command", ErrorText.Of(exception));
                    return null;
                }

            default:
                return fields.Strings("command");
        }
    }
}

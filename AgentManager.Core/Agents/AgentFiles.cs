using System.Globalization;
using System.Text.Json;
using AgentManager.Execution;
using AgentManager.Memory;

namespace AgentManager.Agents;

/// <summary>Reads profile and template files (Markdown with a JSON front matter). Every problem of a file is
/// reported, not only the first; messages do not name the file, the caller adds it.</summary>
internal static class AgentFiles
{
    private static readonly string[] ProfileFields =
        ["agent_id", "name", "role", "layer", "description", "capabilities", "skills", "mcp_servers", "workdir", "runner", "memory", "metadata"];

    private static readonly string[] ReferenceFields = ["kind", "name", "version", "required"];
    private static readonly string[] WorkdirFields = ["root", "mode", "create_if_missing"];
    private static readonly string[] MemoryFields = ["top_k", "min_score", "max_chars", "namespace", "tags"];
    private static readonly string[] RunnerFields = ["kind", "command", "timeout_seconds", "env", "prompt_delivery", "max_output_chars"];
    private static readonly string[] SkillFields = ["name", "version", "description"];
    private static readonly string[] McpFields = ["name", "version", "description", "command", "args", "env", "url"];

    /// <summary>The result of reading one file.</summary>
    /// <param name="Value">What the file defines, or <see langword="null"/> when it has errors.</param>
    /// <param name="Key">The agent id or template name, when it could be read (even with other errors).</param>
    /// <param name="Errors">Every problem, without the file name.</param>
    internal sealed record Parsed<T>(T? Value, string? Key, IReadOnlyList<string> Errors)
        where T : class;

    public static Parsed<AgentProfile> ReadProfile(string text)
    {
        if (!FrontMatter.TryParse(text, out var document, out var body, out var error))
        {
            return new(null, null, [error]);
        }

        using (document)
        {
            var errors = new List<FieldError>();
            var fields = new JsonFields(document.RootElement, "", errors, ProfileFields);
            var agentId = fields.String("agent_id");
            var layer = AgentLayer.Low;
            if (fields.String("layer") is { } layerText)
            {
                layer = WireNames.ParseLayer(layerText) ?? Invalid(fields, "layer", $"'{layerText}' is not a layer; use \"high\" or \"low\"", layer);
            }

            var (runner, timeout) = ReadRunner(fields, errors);
            var profile = new AgentProfile
            {
                AgentId = agentId ?? "",
                Name = fields.String("name"),
                Role = fields.String("role") ?? "",
                Layer = layer,
                Description = fields.String("description") ?? "",
                Capabilities = fields.Strings("capabilities") ?? [],
                Skills = ReadReferences(fields, errors, "skills", TemplateKind.Skill),
                McpServers = ReadReferences(fields, errors, "mcp_servers", TemplateKind.Mcp),
                Prompt = body,
                Workdir = ReadWorkdir(fields, errors),
                Runner = runner,
                RunnerTimeout = timeout,
                Memory = ReadMemory(fields, errors),
                Metadata = fields.Map("metadata") ?? [],
            };

            return Finish(profile, agentId, errors, profile.Problems());
        }
    }

    public static Parsed<SkillTemplate> ReadSkill(string text)
    {
        if (!FrontMatter.TryParse(text, out var document, out var body, out var error))
        {
            return new(null, null, [error]);
        }

        using (document)
        {
            var errors = new List<FieldError>();
            var fields = new JsonFields(document.RootElement, "", errors, SkillFields);
            var name = fields.String("name");
            var skill = new SkillTemplate
            {
                Name = name ?? "",
                Version = fields.String("version") ?? SkillTemplate.DefaultVersion,
                Description = fields.String("description") ?? "",
                Prompt = body,
            };

            return Finish(skill, name, errors, skill.Problems());
        }
    }

    public static Parsed<McpServerTemplate> ReadMcpServer(string text)
    {
        if (!FrontMatter.TryParse(text, out var document, out var body, out var error))
        {
            return new(null, null, [error]);
        }

        using (document)
        {
            var errors = new List<FieldError>();
            var fields = new JsonFields(document.RootElement, "", errors, McpFields);
            var name = fields.String("name");
            List<string>? command = null;
            if (fields.Value("command") is { ValueKind: JsonValueKind.String } single)
            {
                command = [single.GetString()!];
            }
            else if (fields.Value("command") is not null)
            {
                command = fields.Strings("command");
            }

            Uri? url = null;
            var badUrl = false;
            if (fields.String("url") is { } urlText && !Uri.TryCreate(urlText, UriKind.Absolute, out url))
            {
                fields.Error("url", $"'{urlText}' is not an absolute http or https address");
                badUrl = true;
            }

            var server = new McpServerTemplate
            {
                Name = name ?? "",
                Version = fields.String("version") ?? SkillTemplate.DefaultVersion,
                Description = fields.String("description") ?? "",
                Command = command ?? [],
                Args = fields.Strings("args") ?? [],
                Env = fields.Map("env") ?? [],
                Url = url,
                Prompt = body,
            };

            // A url that does not parse is reported once, not again as "neither a command nor a url".
            var problems = server.Problems().Where(problem => !(badUrl && problem.Field == "command" && server.Command.Count == 0));
            return Finish(server, name, errors, problems);
        }
    }

    /// <summary>Adds the object's own rule checks, skipping fields that already have a reading error.</summary>
    private static Parsed<T> Finish<T>(T value, string? key, List<FieldError> errors, IEnumerable<FieldError> problems)
        where T : class
    {
        var readingErrors = errors.ToList();
        foreach (var problem in problems)
        {
            if (!readingErrors.Exists(error => Related(error.Field, problem.Field)))
            {
                errors.Add(problem);
            }
        }

        return errors.Count == 0
            ? new(value, key, [])
            : new(null, key, errors.Select(error => error.ToString()).ToList());
    }

    /// <summary>Tells whether two field paths are the same or one contains the other.</summary>
    private static bool Related(string a, string b) => a == b || Contains(a, b) || Contains(b, a);

    private static bool Contains(string outer, string inner) =>
        inner.Length > outer.Length && inner.StartsWith(outer, StringComparison.Ordinal) && inner[outer.Length] is '.' or '[';

    private static T Invalid<T>(JsonFields fields, string name, string message, T fallback)
    {
        fields.Error(name, message);
        return fallback;
    }

    private static List<TemplateReference> ReadReferences(JsonFields fields, List<FieldError> errors, string name, TemplateKind kind)
    {
        var references = new List<TemplateReference>();
        if (fields.Array(name) is not { } array)
        {
            return references;
        }

        var expectedKind = kind == TemplateKind.Skill ? "skill" : "mcp";
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var at = $"{name}[{index++}]";
            if (item.ValueKind == JsonValueKind.String)
            {
                references.Add(new TemplateReference(kind, item.GetString()!));
                continue;
            }

            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new(at, $"must be a template name or an object with name, version and required, not {JsonFields.Describe(item.ValueKind)}"));
                continue;
            }

            var reference = new JsonFields(item, at + ".", errors, ReferenceFields);
            if (reference.String("kind") is { } kindText && kindText != expectedKind)
            {
                reference.Error("kind", $"'{kindText}' does not belong in {name}, which holds only \"{expectedKind}\" references");
            }

            var referenceName = reference.String("name");
            if (referenceName is null && reference.Value("name") is null)
            {
                reference.Error("name", "required; name the template");
            }

            references.Add(new TemplateReference(kind, referenceName ?? "", reference.String("version"), reference.Bool("required") ?? true));
        }

        return references;
    }

    private static WorkdirSettings ReadWorkdir(JsonFields fields, List<FieldError> errors)
    {
        if (fields.Object("workdir") is not { } element)
        {
            return new WorkdirSettings();
        }

        var workdir = new JsonFields(element, "workdir.", errors, WorkdirFields);
        var mode = WorkdirMode.Isolated;
        if (workdir.String("mode") is { } modeText)
        {
            mode = WireNames.ParseMode(modeText)
                ?? Invalid(workdir, "mode", $"'{modeText}' is not a mode; use \"isolated\", \"shared\" or \"temporary\"", mode);
        }

        return new WorkdirSettings
        {
            Root = workdir.String("root"),
            Mode = mode,
            CreateIfMissing = workdir.Bool("create_if_missing") ?? true,
        };
    }

    private static MemoryContextOptions? ReadMemory(JsonFields fields, List<FieldError> errors)
    {
        if (fields.Object("memory") is not { } element)
        {
            return null;
        }

        var memory = new JsonFields(element, "memory.", errors, MemoryFields);
        var defaults = new MemoryContextOptions();
        var topK = memory.Int("top_k") ?? defaults.TopK;
        if (topK < 1)
        {
            memory.Error("top_k", $"{topK} is less than 1");
            topK = defaults.TopK;
        }

        var minScore = memory.Number("min_score") ?? defaults.MinScore;
        if (minScore is not (>= -1 and <= 1))
        {
            memory.Error("min_score", $"{minScore.ToString(CultureInfo.InvariantCulture)} is not from -1 to 1");
            minScore = defaults.MinScore;
        }

        var maxChars = memory.Int("max_chars") ?? defaults.MaxCharsPerMemory;
        if (maxChars < 20)
        {
            memory.Error("max_chars", $"{maxChars} is less than 20");
            maxChars = defaults.MaxCharsPerMemory;
        }

        var space = memory.String("namespace");
        if (space is not null && !Ids.IsValid(space))
        {
            memory.Error("namespace", Ids.Describe(space));
            space = null;
        }

        var tags = memory.Strings("tags") ?? [];
        if (tags.Any(string.IsNullOrWhiteSpace))
        {
            memory.Error("tags", "tags must not be blank");
            tags = [];
        }

        return new MemoryContextOptions { TopK = topK, MinScore = minScore, MaxCharsPerMemory = maxChars, Namespace = space, Tags = tags };
    }

    private static (ProcessAgentOptions? Runner, TimeSpan? Timeout) ReadRunner(JsonFields fields, List<FieldError> errors)
    {
        if (fields.Object("runner") is not { } element)
        {
            return (null, null);
        }

        var runner = new JsonFields(element, "runner.", errors, RunnerFields);
        if (runner.String("kind") is { } kind && kind != "process")
        {
            runner.Error("kind", $"'{kind}' is not a runner kind a file can declare; use \"process\" (other runners are registered in code)");
        }

        var options = new ProcessAgentOptions();
        var commandValue = runner.Value("command");
        var command = runner.Strings("command");
        if (commandValue is null)
        {
            runner.Error("command", "required; give the argument vector, program first, for example [\"my-agent\", \"--json\"]");
        }
        else if (command is not null && commandValue.Value.GetArrayLength() == 0)
        {
            runner.Error("command", "must not be empty; it holds the program to run, then its arguments");
        }
        else if (command is not null && command.Count == commandValue.Value.GetArrayLength())
        {
            if (string.IsNullOrWhiteSpace(command[0]))
            {
                runner.Error("command", "command[0] is blank; it must name the program to run");
            }
            else
            {
                command.ForEach(options.Command.Add);
            }
        }

        foreach (var (name, value) in runner.Map("env") ?? [])
        {
            if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal))
            {
                runner.Error("env", $"the variable name '{name}' is invalid; names must be non-empty and contain no '='");
            }
            else
            {
                options.Environment[name] = value;
            }
        }

        if (runner.String("prompt_delivery") is { } delivery)
        {
            options.PromptDelivery = delivery switch
            {
                "stdin" => PromptDelivery.Stdin,
                "argument" => PromptDelivery.Argument,
                "none" => PromptDelivery.None,
                _ => Invalid(runner, "prompt_delivery", $"'{delivery}' is not a prompt delivery; use \"stdin\", \"argument\" or \"none\"", PromptDelivery.Stdin),
            };
        }

        if (runner.Int("max_output_chars") is { } maxOutput)
        {
            if (maxOutput < 1)
            {
                runner.Error("max_output_chars", $"{maxOutput} is less than 1");
            }
            else
            {
                options.MaxOutputChars = maxOutput;
            }
        }

        TimeSpan? timeout = null;
        if (runner.Number("timeout_seconds") is { } seconds)
        {
            if (seconds <= 0 || seconds > int.MaxValue)
            {
                runner.Error("timeout_seconds", $"{seconds.ToString(CultureInfo.InvariantCulture)} is not a positive number of seconds up to {int.MaxValue}");
            }
            else
            {
                timeout = TimeSpan.FromSeconds(seconds);
            }
        }

        return (options.Command.Count == 0 ? null : options, timeout);
    }
}

using System.Globalization;
using System.Text.Json;
using AgentManager.Agents;
using AgentManager.Hooks;
using AgentManager.Plans;

namespace AgentManager.Schedules;

/// <summary>Reads schedule files: <c>&lt;config dir&gt;/schedules/*.json</c>, one schedule per file.</summary>
/// <remarks>
/// <para>A file is a JSON object (comments and trailing commas allowed) with <c>id</c> (an id; by default
/// the file name without <c>.json</c>), either <c>cron</c> (with an optional <c>time_zone</c>, IANA or Windows
/// id, UTC by default) or <c>interval_seconds</c> (a number, at least 1), either <c>plan</c> (a plan file, relative
/// to the schedule file's directory) or <c>plan_id</c> with <c>plan_version</c> (a confirmed version of a task plan
/// of the plan store, checked when the host starts), <c>missed_run_policy</c> (<c>skip</c>, the default, or
/// <c>run_once</c>), <c>allow_overlap</c> (default false) and <c>paused</c> (default false; applies only when
/// the store does not know the schedule yet).</para>
/// <para>Unknown and repeated fields, wrong JSON types, a plan file that does not load and an id used by two
/// files are errors; every problem of every file is reported at once as
/// <c>&lt;full path&gt;: field: rule</c>.</para>
/// </remarks>
public static class SchedulesFile
{
    /// <summary>The folder of a configuration directory that holds schedule files: <c>schedules</c>.</summary>
    public const string DirectoryName = "schedules";

    private static readonly string[] Fields =
        ["id", "cron", "time_zone", "interval_seconds", "plan", "plan_id", "plan_version", "missed_run_policy", "allow_overlap", "paused"];

    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Reads every <c>*.json</c> file of <c>&lt;configDirectory&gt;/schedules</c>, in ordinal file name order.</summary>
    /// <param name="configDirectory">The configuration directory.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The schedules; none when the directory has no <c>schedules</c> folder.</returns>
    /// <exception cref="ArgumentException"><paramref name="configDirectory"/> is null or blank.</exception>
    /// <exception cref="ScheduleConfigurationException">The configuration directory does not exist, or a file
    /// is unreadable or breaks a rule; every problem of every file is listed.</exception>
    public static async Task<IReadOnlyList<ScheduleDefinition>> LoadDirectoryAsync(string configDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configDirectory);
        var root = Path.GetFullPath(configDirectory);
        if (!Directory.Exists(root))
        {
            throw new ScheduleConfigurationException([$"{root}: the configuration directory does not exist."]);
        }

        var folder = Path.Combine(root, DirectoryName);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var errors = new List<string>();
        var schedules = new List<ScheduleDefinition>();
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var definition = await ReadAsync(path, errors, cancellationToken).ConfigureAwait(false);
            if (definition is null)
            {
                continue;
            }

            if (files.TryGetValue(definition.Id, out var first))
            {
                errors.Add($"{path}: id: '{definition.Id}' is already the id of the schedule in {first}; schedule ids must be unique.");
            }
            else
            {
                files.Add(definition.Id, path);
                schedules.Add(definition);
            }
        }

        return errors.Count > 0 ? throw new ScheduleConfigurationException(errors) : schedules;
    }

    /// <summary>Reads one schedule file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The schedule, with <see cref="ScheduleDefinition.PlanPath"/> made absolute.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or blank.</exception>
    /// <exception cref="ScheduleConfigurationException">The file does not exist, cannot be read or breaks a
    /// rule; every problem is listed.</exception>
    public static async Task<ScheduleDefinition> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var errors = new List<string>();
        var definition = await ReadAsync(Path.GetFullPath(path), errors, cancellationToken).ConfigureAwait(false);
        return definition ?? throw new ScheduleConfigurationException(errors);
    }

    private static async Task<ScheduleDefinition?> ReadAsync(string path, List<string> errors, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{path}: the schedule file could not be read: {exception.Message}");
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, JsonOptions);
        }
        catch (JsonException exception)
        {
            errors.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{path}: line {(exception.LineNumber ?? 0) + 1}, column {(exception.BytePositionInLine ?? 0) + 1}: malformed JSON: {ErrorText.Of(exception)}"));
            return null;
        }

        ScheduleDefinition? definition;
        var problems = new List<FieldError>();
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: the file must hold one schedule as a JSON object, not {JsonFields.Describe(document.RootElement.ValueKind)}.");
                return null;
            }

            definition = Read(new JsonFields(document.RootElement, "", problems, Fields), Path.GetFileNameWithoutExtension(path), Path.GetDirectoryName(path)!);
        }

        if (definition is not null && problems.Count == 0)
        {
            var rules = new List<(ScheduleField Field, string Message)>();
            ScheduleValidator.Check(definition, rules);
            problems.AddRange(rules.Select(rule => new FieldError(ScheduleValidator.WireName(rule.Field), rule.Message)));
            if (problems.Count == 0 && definition.PlanPath is not null)
            {
                try
                {
                    await PlanFile.LoadAsync(definition.PlanPath, cancellationToken).ConfigureAwait(false);
                }
                catch (PlanFileException exception)
                {
                    problems.Add(new("plan", "the plan file does not load: " + exception.Message));
                }
            }
        }

        errors.AddRange(problems.Select(problem => $"{path}: {problem}."));
        return problems.Count == 0 ? definition : null;
    }

    private static ScheduleDefinition? Read(JsonFields fields, string fileName, string directory)
    {
        var id = fields.String("id") ?? fileName;
        var cron = fields.String("cron");
        var timeZone = fields.String("time_zone");
        var seconds = fields.Number("interval_seconds");
        if (seconds is { } value && Math.Abs(value) >= TimeSpan.MaxValue.TotalSeconds)
        {
            fields.Error("interval_seconds", string.Create(CultureInfo.InvariantCulture, $"{value} is out of range"));
            seconds = null;
        }
        var plan = fields.String("plan");
        var planId = fields.String("plan_id");
        if (plan is null && fields.Value("plan") is null && planId is null && fields.Value("plan_id") is null)
        {
            fields.Error("plan", "required: the plan file each run starts, relative to this file, or plan_id and plan_version, a task plan of the plan store");
        }

        int? planVersion = null;
        if (fields.Number("plan_version") is { } version)
        {
            if (version != Math.Floor(version) || version is < int.MinValue or > int.MaxValue)
            {
                fields.Error("plan_version", string.Create(CultureInfo.InvariantCulture, $"{version} is not a whole number"));
            }
            else
            {
                planVersion = (int)version;
            }
        }

        var policy = MissedRunPolicy.Skip;
        if (fields.String("missed_run_policy") is { } policyText && !MissedRunPolicyNames.TryParse(policyText, out policy))
        {
            fields.Error("missed_run_policy", $"'{policyText}' is not a missed-run policy; use skip or run_once");
        }

        var allowOverlap = fields.Bool("allow_overlap") ?? false;
        var paused = fields.Bool("paused") ?? false;
        return new ScheduleDefinition
        {
            Id = id,
            Cron = cron,
            TimeZone = timeZone,
            Interval = seconds is { } s ? TimeSpan.FromSeconds(s) : null,
            PlanPath = plan is null || string.IsNullOrWhiteSpace(plan) ? plan : Path.GetFullPath(plan, directory),
            PlanId = planId,
            PlanVersion = planVersion,
            MissedRunPolicy = policy,
            AllowOverlap = allowOverlap,
            Paused = paused,
        };
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using AgentManager.Plans;
using Microsoft.Extensions.Options;

namespace AgentManager.Hosting.Schedules;

/// <summary>The plan files of schedules defined over HTTP, one per schedule in
/// <see cref="AgentManagerApiOptions.SchedulePlanDirectory"/>: a schedule's record names its plan file, so the
/// schedule fires the same plan after a restart.</summary>
internal sealed class SchedulePlanFiles(IOptions<AgentManagerApiOptions> options)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private string Directory => Path.GetFullPath(options.Value.SchedulePlanDirectory);

    /// <summary>Gets the path of a schedule's plan file.</summary>
    public string PathOf(string scheduleId) => Path.Combine(Directory, scheduleId + ".json");

    /// <summary>Writes a schedule's plan file after checking it as the schedule runner will read it.</summary>
    /// <exception cref="PlanFileException">The plan breaks a rule of plan files; nothing is written.</exception>
    public async Task<string> WriteAsync(string scheduleId, string planId, string? createdBy, IReadOnlyList<PlanItem> items, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var json = ToJson(planId, createdBy, items, metadata);
        _ = PlanFile.Parse(json, $"the plan of schedule '{scheduleId}'");
        System.IO.Directory.CreateDirectory(Directory);
        var path = PathOf(scheduleId);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllTextAsync(temporary, json, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    /// <summary>Deletes a schedule's plan file when the schedule's record names it.</summary>
    public void DeleteIfOwned(string scheduleId, string? planPath)
    {
        var path = PathOf(scheduleId);
        if (planPath is not null && string.Equals(Path.GetFullPath(planPath), path, StringComparison.Ordinal))
        {
            File.Delete(path);
        }
    }

    private static string ToJson(string planId, string? createdBy, IReadOnlyList<PlanItem> items, IReadOnlyDictionary<string, string> metadata)
    {
        var array = new JsonArray();
        foreach (var item in items)
        {
            var node = new JsonObject
            {
                ["id"] = item.Id,
                ["title"] = item.Title,
                ["priority"] = item.Priority,
                ["dependencies"] = Strings(item.Dependencies),
                ["required_skills"] = Strings(item.RequiredSkills),
                ["resources"] = Strings(item.Resources),
                ["metadata"] = Map(item.Metadata),
            };
            Optional(node, "description", item.Description);
            Optional(node, "prompt", item.Prompt);
            Optional(node, "assignee", item.Assignee);
            Optional(node, "workdir", item.Workdir);
            Optional(node, "verification", item.Verification);
            if (item.MaxAttempts is { } attempts)
            {
                node["max_attempts"] = attempts;
            }

            if (item.Timeout is { } timeout)
            {
                node["timeout_seconds"] = timeout.TotalSeconds;
            }

            array.Add(node);
        }

        var document = new JsonObject { ["plan_id"] = planId, ["items"] = array, ["metadata"] = Map(metadata) };
        Optional(document, "created_by", createdBy);
        return document.ToJsonString(Indented);
    }

    private static void Optional(JsonObject node, string name, string? value)
    {
        if (value is not null)
        {
            node[name] = value;
        }
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    private static JsonObject Map(IReadOnlyDictionary<string, string> values) =>
        new(values.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));
}

using System.Text.Json;
using AgentManager.Agents;
using AgentManager.Execution;
using AgentManager.Workflows;

namespace AgentManager.Plans;

/// <summary>Reads the plan file JSON and turns it into a <see cref="PlanFile"/>, collecting every problem with
/// its field and rule before anything is built.</summary>
internal static class PlanFileParser
{
    private static readonly JsonSerializerOptions Json = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static async Task<PlanFile> LoadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new PlanFileException(path, ["the plan file does not exist."]);
        }

        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            var json = await DeserializeAsync(stream, path, cancellationToken).ConfigureAwait(false);
            return Build(json, path);
        }
    }

    public static PlanFile Parse(string json, string source)
    {
        PlanFileJson? document;
        try
        {
            document = JsonSerializer.Deserialize<PlanFileJson>(json, Json);
        }
        catch (JsonException ex)
        {
            throw InvalidJson(source, ex);
        }

        return Build(document ?? throw Empty(source), source);
    }

    private static async Task<PlanFileJson> DeserializeAsync(Stream stream, string source, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<PlanFileJson>(stream, Json, cancellationToken).ConfigureAwait(false)
                ?? throw Empty(source);
        }
        catch (JsonException ex)
        {
            throw InvalidJson(source, ex);
        }
    }

    private static PlanFileException Empty(string source) =>
        new(source, ["the plan file is empty (null); it must be a JSON object."]);

    private static PlanFileException InvalidJson(string source, JsonException ex)
    {
        var where = ex.LineNumber is { } line ? $" at line {line + 1}, byte {ex.BytePositionInLine + 1}" : string.Empty;
        var field = string.IsNullOrEmpty(ex.Path) ? string.Empty : $" (field {ex.Path})";
        return new PlanFileException(source, [$"invalid plan JSON{where}{field}: {FirstSentence(ex.Message)}"]);
    }

    private static PlanFile Build(PlanFileJson document, string source)
    {
        var errors = new List<string>();
        if (!Ids.IsValid(document.PlanId))
        {
            errors.Add($"plan_id: {(document.PlanId is null ? "is required" : $"'{document.PlanId}' is not a valid id")}; ids match {Ids.Pattern}.");
        }

        var agents = new Dictionary<string, IAgentRunner>(StringComparer.Ordinal);
        var agentTimeouts = new Dictionary<string, TimeSpan?>(StringComparer.Ordinal);
        var profiles = new List<AgentProfile>();
        var agentList = document.Agents ?? [];
        for (var i = 0; i < agentList.Count; i++)
        {
            AddAgent(agentList[i], $"agents[{i}]", agents, agentTimeouts, errors);
            if (agents.ContainsKey(agentList[i].AgentId ?? "") && profiles.TrueForAll(p => p.AgentId != agentList[i].AgentId))
            {
                profiles.Add(ToProfile(agentList[i], $"agents[{i}]", agentTimeouts[agentList[i].AgentId!], errors));
            }
        }

        var repair = ToRepair(document.Repair, "repair", agents, errors);
        var itemRepairs = new Dictionary<string, RepairPolicy>(StringComparer.Ordinal);
        var itemList = document.Items ?? [];
        if (itemList.Count == 0)
        {
            errors.Add("items: the plan has no items; it needs at least one.");
        }

        var items = new List<PlanItem>(itemList.Count);
        for (var i = 0; i < itemList.Count; i++)
        {
            if (ToItem(itemList[i], $"items[{i}]", agents, agentTimeouts, errors) is { } item)
            {
                items.Add(item);
                if (ToRepair(itemList[i].Repair, $"items[{i}].repair", agents, errors) is { } itemRepair)
                {
                    itemRepairs[item.Id] = itemRepair;
                }
            }
        }

        if (errors.Count == 0)
        {
            var itemErrors = new List<PlanValidationError>();
            PlanValidator.CheckItems(items, itemErrors);
            errors.AddRange(itemErrors.Select(e => e.ToString()));
        }

        if (errors.Count > 0)
        {
            throw new PlanFileException(source, errors);
        }

        var plan = new NewTaskPlan
        {
            PlanId = document.PlanId,
            SourceTaskId = document.SourceTaskId,
            CreatedBy = document.CreatedBy,
            Items = items,
            Metadata = ToStrings(document.Metadata),
        };
        return new PlanFile(source, plan, agents, profiles) { Repair = repair, ItemRepairs = itemRepairs };
    }

    /// <summary>The profile of a file's agent: who it is, for the catalog; how it runs stays in the runner.</summary>
    private static AgentProfile ToProfile(PlanAgentJson agent, string field, TimeSpan? timeout, List<string> errors)
    {
        var layer = AgentLayer.Low;
        if (agent.Layer is { } text)
        {
            if (WireNames.ParseLayer(text) is { } parsed)
            {
                layer = parsed;
            }
            else
            {
                errors.Add($"{field}.layer: '{text}' is not a layer; use \"high\" or \"low\".");
            }
        }

        if (agent.Name is { } name && string.IsNullOrWhiteSpace(name))
        {
            errors.Add($"{field}.name: must not be blank; omit it to use the agent_id.");
        }

        return new AgentProfile
        {
            AgentId = agent.AgentId!,
            Name = string.IsNullOrWhiteSpace(agent.Name) ? null : agent.Name,
            Role = agent.Role ?? "",
            Layer = layer,
            RunnerTimeout = timeout,
        };
    }

    private static void AddAgent(PlanAgentJson agent, string field, Dictionary<string, IAgentRunner> agents, Dictionary<string, TimeSpan?> timeouts, List<string> errors)
    {
        if (!Ids.IsValid(agent.AgentId))
        {
            errors.Add($"{field}.agent_id: {(agent.AgentId is null ? "is required" : $"'{agent.AgentId}' is not a valid id")}; ids match {Ids.Pattern}.");
            return;
        }

        if (agents.ContainsKey(agent.AgentId!))
        {
            errors.Add($"{field}.agent_id: '{agent.AgentId}' is defined twice; agent ids must be unique.");
            return;
        }

        var runner = agent.Runner;
        if (runner is null)
        {
            errors.Add($"{field}.runner: is required, e.g. {{\"kind\":\"process\",\"command\":[\"prog\",\"arg\"]}}.");
            return;
        }

        if (runner.Kind != "process")
        {
            errors.Add($"{field}.runner.kind: '{runner.Kind}' is not supported; the supported kind is 'process'.");
            return;
        }

        if (runner.Command is not { Count: > 0 } || string.IsNullOrWhiteSpace(runner.Command[0]))
        {
            errors.Add($"{field}.runner.command: must be a non-empty array whose first element is the program (no shell is used).");
            return;
        }

        if (runner.TimeoutSeconds is <= 0)
        {
            errors.Add($"{field}.runner.timeout_seconds: {runner.TimeoutSeconds} is not positive.");
            return;
        }

        var delivery = PromptDelivery.Stdin;
        if (runner.PromptDelivery is not null && !Enum.TryParse(runner.PromptDelivery, ignoreCase: true, out delivery))
        {
            errors.Add($"{field}.runner.prompt_delivery: '{runner.PromptDelivery}' is not one of stdin, argument, none.");
            return;
        }

        var options = new ProcessAgentOptions { PromptDelivery = delivery };
        foreach (var part in runner.Command)
        {
            options.Command.Add(part);
        }

        foreach (var (key, value) in runner.Env ?? [])
        {
            options.Environment[key] = value;
        }

        agents[agent.AgentId!] = new ProcessAgentRunner(options);
        timeouts[agent.AgentId!] = runner.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
    }

    private static PlanItem? ToItem(PlanItemJson item, string field, Dictionary<string, IAgentRunner> agents, Dictionary<string, TimeSpan?> agentTimeouts, List<string> errors)
    {
        if (!Ids.IsValid(item.Id))
        {
            errors.Add($"{field}.id: {(item.Id is null ? "is required" : $"'{item.Id}' is not a valid id")}; ids match {Ids.Pattern}.");
            return null;
        }

        var count = errors.Count;
        if (string.IsNullOrWhiteSpace(item.Title))
        {
            errors.Add($"{field}.title: item '{item.Id}' has no title; every item needs one.");
        }

        if (item.Priority < 0)
        {
            errors.Add($"{field}.priority: {item.Priority} is negative; priorities are 0 or more.");
        }

        if (item.Assignee is null)
        {
            errors.Add($"{field}.assignee: item '{item.Id}' names no agent; set it to an agent_id from agents[].");
        }
        else if (!agents.ContainsKey(item.Assignee))
        {
            errors.Add($"{field}.assignee: '{item.Assignee}' is not an agent_id of agents[] ({string.Join(", ", agents.Keys)}).");
        }

        if (item.TimeoutSeconds is <= 0)
        {
            errors.Add($"{field}.timeout_seconds: {item.TimeoutSeconds} is not positive.");
        }

        if (item.MaxAttempts is < 1)
        {
            errors.Add($"{field}.max_attempts: {item.MaxAttempts} is less than 1.");
        }

        if (!string.IsNullOrWhiteSpace(item.Verification))
        {
            try
            {
                _ = CommandVerifier.Parse(item.Verification);
            }
            catch (ArgumentException ex)
            {
                errors.Add($"{field}.verification: {FirstSentence(ex.Message)}");
            }
        }

        if (errors.Count > count)
        {
            return null;
        }

        return new PlanItem
        {
            Id = item.Id!,
            Title = item.Title!,
            Description = item.Description,
            Prompt = item.Prompt,
            Priority = item.Priority,
            Dependencies = item.Dependencies ?? [],
            Assignee = item.Assignee,
            RequiredSkills = item.RequiredSkills ?? [],
            Workdir = item.Workdir,
            Verification = item.Verification,
            Resources = item.Resources ?? [],
            MaxAttempts = item.MaxAttempts,
            Timeout = item.TimeoutSeconds is { } seconds
                ? TimeSpan.FromSeconds(seconds)
                : agentTimeouts.GetValueOrDefault(item.Assignee!),
            Metadata = ToStrings(item.Metadata),
        };
    }

    /// <summary>Reads a <c>repair</c> object: naming a repair or escalation agent (one of agents[]) switches that level on.</summary>
    private static RepairPolicy? ToRepair(PlanRepair? repair, string field, Dictionary<string, IAgentRunner> agents, List<string> errors)
    {
        if (repair is null)
        {
            return null;
        }

        var policy = new RepairPolicy
        {
            UseRepairAgent = repair.RepairAgent is not null,
            RepairAgentId = repair.RepairAgent ?? RepairPolicy.DefaultRepairAgentId,
            RepairAttempts = repair.RepairAttempts ?? 1,
            UseEscalation = repair.EscalationAgent is not null,
            EscalationAgentId = repair.EscalationAgent ?? RepairPolicy.DefaultEscalationAgentId,
            EscalationAttempts = repair.EscalationAttempts ?? 1,
            BlockForHuman = repair.BlockForHuman,
            HumanDeadline = repair.HumanDeadlineSeconds is { } seconds and > 0 ? TimeSpan.FromSeconds(seconds) : null,
        };
        foreach (var (agent, name) in new[] { (repair.RepairAgent, "repair_agent"), (repair.EscalationAgent, "escalation_agent") })
        {
            if (agent is not null && !agents.ContainsKey(agent))
            {
                errors.Add($"{field}.{name}: '{agent}' is not an agent_id of agents[] ({string.Join(", ", agents.Keys)}).");
            }
        }

        if (repair.HumanDeadlineSeconds is <= 0)
        {
            errors.Add($"{field}.human_deadline_seconds: {repair.HumanDeadlineSeconds} is not positive.");
        }

        if (repair.DeadlineAction is not null)
        {
            if (Enum.TryParse<DeadlineAction>(repair.DeadlineAction, ignoreCase: true, out var action) && Enum.IsDefined(action))
            {
                policy.DeadlineAction = action;
            }
            else
            {
                errors.Add($"{field}.deadline_action: '{repair.DeadlineAction}' is not one of fail, cancel, retry.");
            }
        }

        errors.AddRange(policy.Validate(field + ": ").Where(e => !e.Contains("AgentId", StringComparison.Ordinal)));
        return policy;
    }

    private static Dictionary<string, string> ToStrings(Dictionary<string, JsonElement>? values)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in values ?? [])
        {
            result[key] = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        }

        return result;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        var text = end > 0 ? message[..end] : message;
        end = text.IndexOf(" (Parameter", StringComparison.Ordinal);
        return end > 0 ? text[..end] : text;
    }
}

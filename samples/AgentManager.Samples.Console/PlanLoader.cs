using System.Text.Json;
using AgentManager.Execution;
using AgentManager.Workflows;

namespace AgentManager.Samples.Console;

/// <summary>Reads a plan file and turns it into a workflow definition, reporting every problem with
/// the file, the field and the rule.</summary>
internal static class PlanLoader
{
    private static readonly JsonSerializerOptions Json = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static async Task<PlanFile> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new PlanFileException($"{path}: the plan file does not exist.");
        }

        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<PlanFile>(stream, Json, cancellationToken)
                ?? throw new PlanFileException($"{path}: the plan file is empty (null); it must be a JSON object.");
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, byte {ex.BytePositionInLine + 1}" : string.Empty;
            var field = string.IsNullOrEmpty(ex.Path) ? string.Empty : $" (field {ex.Path})";
            throw new PlanFileException($"{path}: invalid plan JSON{where}{field}: {FirstSentence(ex.Message)}");
        }
    }

    public static WorkflowDefinition ToWorkflow(PlanFile plan, string path, string workRoot)
    {
        var errors = new List<string>();
        if (!Ids.IsValid(plan.PlanId))
        {
            errors.Add($"plan_id: {(plan.PlanId is null ? "is required" : $"'{plan.PlanId}' is not a valid id")}; ids match {Ids.Pattern}.");
        }

        var definition = new WorkflowDefinition
        {
            Id = Ids.IsValid(plan.PlanId) ? $"{plan.PlanId}-{Guid.NewGuid().ToString("N")[..8]}" : null,
            Name = plan.PlanId,
            WorkRoot = workRoot,
        };
        var agentTimeouts = new Dictionary<string, TimeSpan?>(StringComparer.Ordinal);
        var agents = plan.Agents ?? [];
        for (var i = 0; i < agents.Count; i++)
        {
            AddAgent(definition, agents[i], $"agents[{i}]", agentTimeouts, errors);
        }

        definition.Repair = ToRepair(plan.Repair, "repair", definition, errors);
        var items = plan.Items ?? [];
        if (items.Count == 0)
        {
            errors.Add("items: the plan has no items; it needs at least one.");
        }

        for (var i = 0; i < items.Count; i++)
        {
            AddItem(definition, items[i], $"items[{i}]", agentTimeouts, errors);
        }

        if (errors.Count > 0)
        {
            throw new PlanFileException($"{path}: the plan is invalid:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors));
        }

        return definition;
    }

    private static void AddAgent(WorkflowDefinition definition, PlanAgent agent, string field, Dictionary<string, TimeSpan?> timeouts, List<string> errors)
    {
        if (!Ids.IsValid(agent.AgentId))
        {
            errors.Add($"{field}.agent_id: {(agent.AgentId is null ? "is required" : $"'{agent.AgentId}' is not a valid id")}; ids match {Ids.Pattern}.");
            return;
        }

        if (definition.Agents.ContainsKey(agent.AgentId!))
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

        definition.Agents[agent.AgentId!] = new ProcessAgentRunner(options);
        timeouts[agent.AgentId!] = runner.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
    }

    private static void AddItem(WorkflowDefinition definition, PlanItem item, string field, Dictionary<string, TimeSpan?> agentTimeouts, List<string> errors)
    {
        if (!Ids.IsValid(item.Id))
        {
            errors.Add($"{field}.id: {(item.Id is null ? "is required" : $"'{item.Id}' is not a valid id")}; ids match {Ids.Pattern}.");
            return;
        }

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
        else if (!definition.Agents.ContainsKey(item.Assignee))
        {
            errors.Add($"{field}.assignee: '{item.Assignee}' is not an agent_id of agents[] ({string.Join(", ", definition.Agents.Keys)}).");
        }

        if (item.TimeoutSeconds is <= 0)
        {
            errors.Add($"{field}.timeout_seconds: {item.TimeoutSeconds} is not positive.");
        }

        if (item.MaxAttempts is < 1)
        {
            errors.Add($"{field}.max_attempts: {item.MaxAttempts} is less than 1.");
        }

        var task = new TaskDefinition(item.Id!)
        {
            Title = item.Title,
            Prompt = item.Prompt ?? item.Description ?? item.Title ?? string.Empty,
            Priority = item.Priority,
            AgentId = item.Assignee,
            Workdir = item.Workdir,
            MaxAttempts = item.MaxAttempts,
            Timeout = item.TimeoutSeconds is { } seconds and > 0
                ? TimeSpan.FromSeconds(seconds)
                : item.Assignee is not null && agentTimeouts.TryGetValue(item.Assignee, out var agentTimeout) ? agentTimeout : null,
        };
        task.Repair = ToRepair(item.Repair, field + ".repair", definition, errors);
        if (item.Verification is not null)
        {
            try
            {
                task.Verifier = CommandVerifier.Parse(item.Verification);
            }
            catch (ArgumentException ex)
            {
                errors.Add($"{field}.verification: {FirstSentence(ex.Message)}");
            }
        }

        foreach (var dependency in item.Dependencies ?? [])
        {
            task.Dependencies.Add(dependency);
        }

        foreach (var resource in item.Resources ?? [])
        {
            task.Resources.Add(resource);
        }

        foreach (var (key, value) in item.Metadata ?? [])
        {
            task.Metadata[key] = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        }

        definition.Tasks.Add(task);
    }

    /// <summary>Reads a <c>repair</c> object: naming a repair or escalation agent (one of agents[]) switches that level on.</summary>
    private static RepairPolicy? ToRepair(PlanRepair? repair, string field, WorkflowDefinition definition, List<string> errors)
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
            if (agent is not null && !definition.Agents.ContainsKey(agent))
            {
                errors.Add($"{field}.{name}: '{agent}' is not an agent_id of agents[] ({string.Join(", ", definition.Agents.Keys)}).");
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

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        var text = end > 0 ? message[..end] : message;
        end = text.IndexOf(" (Parameter", StringComparison.Ordinal);
        return end > 0 ? text[..end] : text;
    }
}

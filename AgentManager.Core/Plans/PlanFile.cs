using System.Globalization;
using AgentManager.Agents;
using AgentManager.Execution;
using AgentManager.Workflows;

namespace AgentManager.Plans;

/// <summary>A task plan read from a plan file: the JSON of the original agentManager's task plans
/// (<c>plan_id</c>, <c>source_task_id</c>, <c>created_by</c>, <c>items</c>, <c>metadata</c>) plus an
/// <c>agents</c> array that says how each assignee runs (<c>runner.kind</c> <c>process</c> with a
/// <c>command</c> array, optional <c>timeout_seconds</c>, <c>env</c> and <c>prompt_delivery</c>).</summary>
/// <remarks>Reading checks the file completely and reports every problem at once with its field, in a
/// <see cref="PlanFileException"/>. The plan can then go through <see cref="TaskPlanService"/> (review,
/// hooks, confirm) or straight to a workflow with <see cref="ToWorkflow"/>.</remarks>
public sealed class PlanFile
{
    internal PlanFile(string source, NewTaskPlan plan, IReadOnlyDictionary<string, IAgentRunner> agents, IReadOnlyList<AgentProfile> profiles)
    {
        Source = source;
        Plan = plan;
        Agents = agents;
        Profiles = profiles;
    }

    /// <summary>Gets where the plan was read from: the path given to <see cref="LoadAsync"/> or the source
    /// name given to <see cref="Parse"/>.</summary>
    public string Source { get; }

    /// <summary>Gets the plan, ready for <see cref="TaskPlanService.CreateAsync"/>; every item has a valid id,
    /// a title, an assignee from <see cref="Agents"/> and a parseable verification. An item without
    /// <c>timeout_seconds</c> takes its agent's runner timeout.</summary>
    public NewTaskPlan Plan { get; }

    /// <summary>Gets the runner of each agent of the file's <c>agents</c> array, by agent id.</summary>
    public IReadOnlyDictionary<string, IAgentRunner> Agents { get; }

    /// <summary>Gets the repair ladder of the file's top-level <c>repair</c> object, or <see langword="null"/>
    /// for the engine's policy.</summary>
    public RepairPolicy? Repair { get; init; }

    /// <summary>Gets the repair ladder of items that have their own <c>repair</c> object, by item id.</summary>
    public IReadOnlyDictionary<string, RepairPolicy> ItemRepairs { get; init; } = new Dictionary<string, RepairPolicy>(StringComparer.Ordinal);

    /// <summary>Puts the file's repair policies on a workflow built from this plan (by item id).</summary>
    /// <param name="definition">The workflow, e.g. from <see cref="PlanWorkflowBuilder.Build"/>.</param>
    public void ApplyRepairPolicies(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        definition.Repair ??= Repair;
        foreach (var task in definition.Tasks)
        {
            if (ItemRepairs.TryGetValue(task.Id, out var policy))
            {
                task.Repair ??= policy;
            }
        }
    }
    /// <summary>Gets a profile for each agent of the file's <c>agents</c> array, in file order: its
    /// <c>agent_id</c>, <c>name</c>, <c>role</c>, <c>layer</c> and runner timeout, and nothing else, so it adds
    /// nothing to its agent's prompts. Add them to the catalog (<c>AddAgentProfile</c>) to make the file's
    /// agents known assignees for <see cref="TaskPlanService.ConfirmAsync"/>; a configuration directory's
    /// profile of the same id replaces one and gives that agent a prompt, skills and MCP servers.</summary>
    public IReadOnlyList<AgentProfile> Profiles { get; }

    /// <summary>Reads and checks a plan file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The plan and its agents.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or blank.</exception>
    /// <exception cref="PlanFileException">The file does not exist, is not valid JSON, or breaks a rule; the
    /// message lists every problem with its field.</exception>
    public static Task<PlanFile> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return PlanFileParser.LoadAsync(path, cancellationToken);
    }

    /// <summary>Checks plan JSON given as text.</summary>
    /// <param name="json">The JSON.</param>
    /// <param name="source">A name for where it came from, used in error messages.</param>
    /// <returns>The plan and its agents.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="PlanFileException">The JSON is invalid or breaks a rule.</exception>
    public static PlanFile Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        return PlanFileParser.Parse(json, source);
    }

    /// <summary>Builds a workflow straight from the plan, without review: one task per item, with the file's
    /// agents.</summary>
    /// <param name="workRoot">The directory that task workdirs are resolved under.</param>
    /// <param name="workflowId">The workflow id; by default the plan id followed by a dash and 8 random hex digits,
    /// so each run of the same file is a new workflow.</param>
    /// <returns>A new definition whose metadata is the plan's plus <c>plan_id</c>.</returns>
    public WorkflowDefinition ToWorkflow(string workRoot, string? workflowId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workRoot);
        var planId = Plan.PlanId!;
        var definition = new WorkflowDefinition
        {
            Id = workflowId ?? string.Create(CultureInfo.InvariantCulture, $"{planId}-{Guid.NewGuid().ToString("N")[..8]}"),
            Name = planId,
            WorkRoot = workRoot,
        };
        foreach (var (key, value) in Plan.Metadata)
        {
            definition.Metadata[key] = value;
        }

        definition.Metadata["plan_id"] = planId;
        foreach (var item in Plan.Items)
        {
            definition.Tasks.Add(PlanWorkflowBuilder.ToTask(item));
        }

        foreach (var (agentId, runner) in Agents)
        {
            definition.Agents[agentId] = runner;
        }

        ApplyRepairPolicies(definition);
        return definition;
    }
}

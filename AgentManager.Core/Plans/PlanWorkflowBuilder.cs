using System.Globalization;
using AgentManager.Execution;
using AgentManager.Workflows;

namespace AgentManager.Plans;

/// <summary>Turns a task plan into a workflow definition: one task per item, with the item's dependencies.</summary>
public static class PlanWorkflowBuilder
{
    /// <summary>The workflow metadata key that names the plan a workflow was made from.</summary>
    public const string PlanIdKey = "plan_id";

    /// <summary>The workflow metadata key that holds the version of that plan.</summary>
    public const string PlanVersionKey = "plan_version";

    /// <summary>Builds the workflow of a plan, normally the confirmed one <see cref="TaskPlanService.ConfirmAsync"/>
    /// returns.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="resolveAgent">Gives the runner of an assignee, which is added to
    /// <see cref="WorkflowDefinition.Agents"/>; when it returns <see langword="null"/>, or is
    /// <see langword="null"/> itself (the default), the engine finds the agent among those registered with DI.</param>
    /// <returns>A new definition: <see cref="WorkflowDefinition.Id"/> and <see cref="WorkflowDefinition.Name"/>
    /// are the plan id (change them before creating the workflow if needed), the metadata is the plan's plus
    /// <c>plan_id</c> and <c>plan_version</c>. Task <c>i</c> is item <c>i</c>: its id, title, prompt (the
    /// item's prompt, else its description, else its title), priority, dependencies, agent (the assignee),
    /// workdir, verifier (<see cref="CommandVerifier.Parse"/> of the verification, none when blank), resources,
    /// max attempts, timeout and metadata.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="PlanValidationException">The plan has no items or breaks a draft rule.</exception>
    public static WorkflowDefinition Build(TaskPlan plan, Func<string, IAgentRunner?>? resolveAgent = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var errors = new List<PlanValidationError>();
        if (plan.Items.Count == 0)
        {
            errors.Add(new(null, null, "items", "a plan needs at least one item to become a workflow"));
        }

        PlanValidator.CheckItems(plan.Items, errors);
        if (errors.Count > 0)
        {
            throw new PlanValidationException(plan.PlanId, errors);
        }

        var definition = new WorkflowDefinition { Id = plan.PlanId, Name = plan.PlanId };
        foreach (var (key, value) in plan.Metadata)
        {
            definition.Metadata[key] = value;
        }

        definition.Metadata[PlanIdKey] = plan.PlanId;
        definition.Metadata[PlanVersionKey] = plan.Version.ToString(CultureInfo.InvariantCulture);
        foreach (var item in plan.Items)
        {
            definition.Tasks.Add(ToTask(item));
            if (item.Assignee is { } assignee && !definition.Agents.ContainsKey(assignee) && resolveAgent?.Invoke(assignee) is { } runner)
            {
                definition.Agents[assignee] = runner;
            }
        }

        return definition;
    }

    internal static TaskDefinition ToTask(PlanItem item)
    {
        var task = new TaskDefinition(item.Id)
        {
            Title = item.Title,
            Prompt = FirstNonBlank(item.Prompt, item.Description, item.Title),
            Priority = item.Priority,
            AgentId = string.IsNullOrWhiteSpace(item.Assignee) ? null : item.Assignee,
            Workdir = item.Workdir,
            Verifier = string.IsNullOrWhiteSpace(item.Verification) ? null : CommandVerifier.Parse(item.Verification),
            MaxAttempts = item.MaxAttempts,
            Timeout = item.Timeout,
        };
        foreach (var dependency in item.Dependencies)
        {
            task.Dependencies.Add(dependency);
        }

        foreach (var resource in item.Resources)
        {
            task.Resources.Add(resource);
        }

        foreach (var (key, value) in item.Metadata)
        {
            task.Metadata[key] = value;
        }

        return task;
    }

    private static string FirstNonBlank(params ReadOnlySpan<string?> values)
    {
        foreach (var value in values)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value;
            }
        }

        return "";
    }
}

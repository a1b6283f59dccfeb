using AgentManager.Agents;
using AgentManager.Execution;
using AgentManager.Hosting.Contracts;
using AgentManager.Hosting.Http;
using AgentManager.Plans;
using AgentManager.Workflows;

namespace AgentManager.Hosting.Mapping;

/// <summary>Turns a <c>POST /workflows</c> body into a <see cref="WorkflowDefinition"/>: from the tasks it lists,
/// or from a confirmed task plan. The rules of workflows (unknown agents, dependencies, cycles) are the engine's.</summary>
internal static class WorkflowRequests
{
    public static async Task<WorkflowDefinition> DefinitionAsync(NewWorkflowRequest body, TaskPlanService plans, AgentCatalog catalog, CancellationToken cancellationToken)
    {
        var fields = new RequestFields();
        var workflowId = fields.Id(body.WorkflowId, "workflow_id", required: false);
        var planId = fields.Id(body.PlanId, "plan_id", required: false);
        fields.Id(body.DefaultAgentId, "default_agent_id", required: false);
        var metadata = fields.Map(body.Metadata, "metadata");
        if ((planId is null) == (body.Tasks is null))
        {
            fields.Add("tasks", "or 'plan_id' is required, and not both: a workflow is made from tasks or from a confirmed task plan");
        }

        var invalidVerifications = new List<string>();
        var definition = body.Tasks is null ? new WorkflowDefinition() : FromTasks(body.Tasks, fields, invalidVerifications);
        fields.ThrowIfAny();
        if (invalidVerifications.Count > 0)
        {
            throw new WorkflowValidationException(invalidVerifications);
        }

        if (planId is not null)
        {
            var plan = await plans.GetAsync(planId, null, cancellationToken).ConfigureAwait(false);
            if (plan.Status != PlanStatus.Confirmed)
            {
                throw new ApiException(StatusCodes.Status409Conflict, $"Task plan '{planId}' is a draft; confirm it (POST /task-plans/{planId}/confirm) before making a workflow of it.");
            }

            definition = PlanWorkflowBuilder.Build(plan, agentId => RunnerOf(catalog, agentId));
        }

        definition.Id = workflowId ?? definition.Id;
        definition.Name = body.Name ?? definition.Name;
        definition.DefaultAgentId = body.DefaultAgentId;
        foreach (var (key, value) in metadata)
        {
            definition.Metadata[key] = value;
        }

        return definition;
    }

    /// <summary>An assignee whose catalog profile names a process runner runs it; any other is looked up among
    /// the agents registered with DI.</summary>
    internal static ProcessAgentRunner? RunnerOf(AgentCatalog catalog, string agentId) =>
        catalog.TryGetProfile(agentId, out var profile) && profile.Runner is { } options ? new ProcessAgentRunner(options) : null;

    private static WorkflowDefinition FromTasks(List<WorkflowTaskBody?> bodies, RequestFields fields, List<string> invalidVerifications)
    {
        var definition = new WorkflowDefinition();
        for (var i = 0; i < bodies.Count; i++)
        {
            var field = $"tasks[{i}]";
            if (bodies[i] is not { } body)
            {
                fields.Add(field, "is null; tasks must be objects");
                continue;
            }

            var task = new TaskDefinition(fields.Id(body.TaskId, field + ".task_id", required: true) ?? "")
            {
                Title = body.Title,
                Prompt = body.Prompt ?? body.Title ?? "",
                Priority = body.Priority ?? 0,
                AgentId = fields.Id(body.AgentId, field + ".agent_id", required: false),
                MaxAttempts = body.MaxAttempts,
                Timeout = fields.Seconds(body.TimeoutSeconds, field + ".timeout_seconds"),
                Workdir = body.Workdir,
            };
            if (!string.IsNullOrWhiteSpace(body.Verification))
            {
                try
                {
                    task.Verifier = CommandVerifier.Parse(body.Verification);
                }
                catch (ArgumentException exception)
                {
                    invalidVerifications.Add($"Task '{body.TaskId}': verification: {ArgumentMessages.WithoutParameter(exception)}");
                }
            }

            Fill(task.Dependencies, fields.Ids(body.Dependencies, field + ".dependencies"));
            Fill(task.Resources, fields.Strings(body.Resources, field + ".resources"));
            foreach (var (key, value) in fields.Map(body.Metadata, field + ".metadata"))
            {
                task.Metadata[key] = value;
            }

            definition.Tasks.Add(task);
        }

        return definition;
    }

    private static void Fill(IList<string> target, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            target.Add(value);
        }
    }
}

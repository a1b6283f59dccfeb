using AgentManager.Hosting.Contracts;
using AgentManager.Plans;

namespace AgentManager.Hosting.Mapping;

/// <summary>Turns task plan request bodies into Core's plan types, refusing malformed parts with 422; the
/// rules of plans (duplicates, unknown dependencies, cycles, verification) are <see cref="TaskPlanService"/>'s.</summary>
internal static class PlanRequests
{
    public static NewTaskPlan NewPlan(NewPlanRequest body)
    {
        var fields = new RequestFields();
        var plan = new NewTaskPlan
        {
            PlanId = fields.Id(body.PlanId, "plan_id", required: false),
            SourceTaskId = body.SourceTaskId,
            CreatedBy = body.CreatedBy,
            Items = Items(body.Items, fields),
            TemporaryRoles = fields.Strings(body.TemporaryRoles, "temporary_roles"),
            SelectedTemplates = fields.Strings(body.SelectedTemplates, "selected_templates"),
            PreferredAssignees = fields.Strings(body.PreferredAssignees, "preferred_assignees"),
            Metadata = fields.Map(body.Metadata, "metadata"),
        };
        fields.ThrowIfAny();
        return plan;
    }

    public static List<PlanItem> EditedItems(EditPlanRequest body)
    {
        var fields = new RequestFields();
        if (body.Items is null)
        {
            fields.Add("items", "is required: the plan's new items, all of them");
        }

        var items = Items(body.Items, fields);
        fields.ThrowIfAny();
        return items;
    }

    private static List<PlanItem> Items(List<PlanItemBody?>? bodies, RequestFields fields)
    {
        var items = new List<PlanItem>();
        for (var i = 0; i < (bodies?.Count ?? 0); i++)
        {
            var field = $"items[{i}]";
            if (bodies![i] is not { } body)
            {
                fields.Add(field, "is null; items must be objects");
                continue;
            }

            items.Add(new PlanItem
            {
                Id = fields.Id(body.Id, field + ".id", required: true) ?? "",
                Title = body.Title ?? "",
                Description = body.Description,
                Prompt = body.Prompt,
                Priority = body.Priority ?? 0,
                Dependencies = fields.Ids(body.Dependencies, field + ".dependencies"),
                Assignee = body.Assignee,
                RequiredSkills = fields.Strings(body.RequiredSkills, field + ".required_skills"),
                Workdir = body.Workdir,
                Verification = body.Verification,
                Resources = fields.Strings(body.Resources, field + ".resources"),
                MaxAttempts = body.MaxAttempts,
                Timeout = fields.Seconds(body.TimeoutSeconds, field + ".timeout_seconds"),
                Metadata = fields.Map(body.Metadata, field + ".metadata"),
            });
        }

        return items;
    }
}

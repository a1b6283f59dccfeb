using AgentManager.Hosting.Contracts;
using AgentManager.Plans;

namespace AgentManager.Hosting.Mapping;

/// <summary>Turns task plans and their diffs into their wire views (the original task plan JSON).</summary>
internal static class PlanViews
{
    public static PlanView Plan(TaskPlan plan) => new(
        plan.PlanId,
        plan.Version,
        plan.Status.ToWireName(),
        plan.SourceTaskId,
        plan.CreatedBy,
        plan.Items.Select(Item).ToArray(),
        plan.TemporaryRoles,
        plan.SelectedTemplates,
        plan.PreferredAssignees,
        plan.Assignees,
        plan.CreatedAt,
        plan.UpdatedAt,
        plan.Metadata,
        plan.ConfirmedVersion);

    public static PlanItemView Item(PlanItem item) => new(
        item.Id,
        item.Title,
        item.Description,
        item.Prompt,
        item.Priority,
        item.Dependencies,
        item.Assignee,
        item.RequiredSkills,
        item.Workdir,
        item.Verification,
        item.Resources,
        item.MaxAttempts,
        item.Timeout?.TotalSeconds,
        item.Metadata,
        item.Status.ToWireName());

    public static PlanDiffView Diff(PlanDiff diff) => new(
        diff.PlanId,
        diff.FromVersion,
        diff.ToVersion,
        diff.FromStatus.ToWireName(),
        diff.ToStatus.ToWireName(),
        diff.Added.Select(Item).ToArray(),
        diff.Removed.Select(Item).ToArray(),
        diff.Changed.Select(c => new PlanItemChangeView(c.ItemId, c.Fields, Item(c.Before), Item(c.After))).ToArray(),
        diff.Reordered,
        diff.HasChanges);
}

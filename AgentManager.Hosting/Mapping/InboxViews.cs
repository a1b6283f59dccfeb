using AgentManager.Hosting.Contracts;
using AgentManager.Inbox;
using AgentManager.Persistence;

namespace AgentManager.Hosting.Mapping;

/// <summary>Turns the inbox's blocked tasks and decisions into their wire views.</summary>
internal static class InboxViews
{
    public static BlockedTaskView Blocked(BlockedTask task) => new(
        task.WorkflowId,
        task.WorkflowName,
        task.TaskId,
        task.Title,
        task.AgentId,
        task.Attempts,
        task.LastError,
        task.LastOutput,
        task.BlockedAt,
        task.DeadlineAt,
        task.History.Select(WorkflowViews.Transition).ToArray(),
        task.PendingDecisions.Select(Decision).ToArray());

    public static DecisionView Decision(HumanDecisionRecord d) => new(
        d.DecisionId,
        d.WorkflowId,
        d.TaskId,
        d.Action.ToWireName(),
        d.Actor,
        d.Reason,
        d.Status.ToString().ToLowerInvariant(),
        d.Outcome,
        d.RequestedAt,
        d.ResolvedAt,
        d.CorrelationId);
}

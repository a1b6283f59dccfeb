using AgentManager.Lifecycle;

namespace AgentManager.Memory;

/// <summary>The filters of a <see cref="TaskHistoryQuery"/> as SQL conditions on the <c>task_history</c> columns, the
/// same for every SQL store; each store names the parameters its own way.</summary>
internal static class TaskHistoryConditions
{
    /// <summary>The conditions, each a column, an operator and the value of its parameter.</summary>
    public static List<(string Column, string Operator, object Value)> Of(TaskHistoryQuery query)
    {
        var conditions = new List<(string, string, object)>();
        if (query.WorkflowId is not null)
        {
            conditions.Add(("workflow_id", " = ", query.WorkflowId));
        }

        if (query.TaskId is not null)
        {
            conditions.Add(("task_id", " = ", query.TaskId));
        }

        if (query.AgentId is not null)
        {
            conditions.Add(("agent_id", " = ", query.AgentId));
        }

        if (query.Status is { } status)
        {
            conditions.Add(("status", " = ", status.ToWireName()));
        }

        if (query.From is { } from)
        {
            conditions.Add(("finished_ticks", " >= ", from.UtcTicks));
        }

        if (query.To is { } to)
        {
            conditions.Add(("finished_ticks", " < ", to.UtcTicks));
        }

        return conditions;
    }
}

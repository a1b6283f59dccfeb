using System.Data.Common;
using AgentManager.Lifecycle;

namespace AgentManager.Persistence;

/// <summary>Reads an event log row of the SQL stores, whose columns start <c>id, workflow_id, type, task_id, reason,
/// at_ticks, at_offset, correlation_id, from_state, to_state, trigger_name, actor, attempt</c> (the time as UTC ticks
/// and an offset in minutes). Shared by the SQLite store and, as linked source, the PostgreSQL one.</summary>
internal static class EventLogRows
{
    public const string Columns = "id, workflow_id, type, task_id, reason, at_ticks, at_offset, correlation_id, from_state, to_state, trigger_name, actor, attempt";

    public static EventLogEntry Read(DbDataReader r)
    {
        var workflowId = r.GetString(1);
        var taskId = r.IsDBNull(3) ? null : r.GetString(3);
        var reason = r.IsDBNull(4) ? null : r.GetString(4);
        var timestamp = new DateTimeOffset(r.GetInt64(5), TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(r.GetInt32(6)));
        TaskTransition? transition = null;
        if (taskId is not null && !r.IsDBNull(8)
            && TaskStateNames.TryParseState(r.GetString(8), out var from)
            && TaskStateNames.TryParseState(r.GetString(9), out var to)
            && TaskStateNames.TryParseTrigger(r.GetString(10), out var trigger))
        {
            transition = new TaskTransition(workflowId, taskId, from, to, trigger, reason, r.GetString(11), r.GetInt32(12), timestamp);
        }

        return new EventLogEntry
        {
            Sequence = r.GetInt64(0),
            WorkflowId = workflowId,
            Type = r.GetString(2),
            TaskId = taskId,
            Reason = reason,
            Timestamp = timestamp,
            CorrelationId = r.IsDBNull(7) ? null : r.GetString(7),
            Transition = transition,
        };
    }
}

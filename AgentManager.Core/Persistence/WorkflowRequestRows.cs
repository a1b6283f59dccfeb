using System.Data.Common;
using AgentManager.Workflows;

namespace AgentManager.Persistence;

/// <summary>The workflow requests of a workflow row, as the SQL stores select them. Shared by the SQLite store and, as
/// linked source, the PostgreSQL one.</summary>
internal static class WorkflowRequestRows
{
    /// <summary>The columns <see cref="Read"/> expects, in order.</summary>
    public const string Columns = "workflow_id, status,"
        + " start_requested_by, start_requested_ticks, start_requested_offset, start_correlation_id,"
        + " cancel_requested_by, cancel_requested_ticks, cancel_requested_offset, cancel_correlation_id, cancel_reason";

    /// <summary>The requests of the row that still apply to its workflow: a start request while it is created, a cancel
    /// request while it is unfinished.</summary>
    public static List<WorkflowRequest> Read(DbDataReader r)
    {
        var requests = new List<WorkflowRequest>(1);
        var status = WorkflowStatusNames.TryParse(r.GetString(1), out var parsed)
            ? parsed
            : throw new InvalidOperationException($"The database holds the workflow status '{r.GetString(1)}', which this version of AgentManager does not know.");
        if (!r.IsDBNull(3) && status == WorkflowStatus.Created)
        {
            requests.Add(Request(r, WorkflowRequestKind.Start, 2, reason: null));
        }

        if (!r.IsDBNull(7) && !status.IsFinished())
        {
            requests.Add(Request(r, WorkflowRequestKind.Cancel, 6, r.GetString(10)));
        }

        return requests;
    }

    /// <summary>Reads one kind's columns (by, ticks, offset in minutes, correlation id) from <paramref name="first"/> on.</summary>
    private static WorkflowRequest Request(DbDataReader r, WorkflowRequestKind kind, int first, string? reason) => new()
    {
        WorkflowId = r.GetString(0),
        Kind = kind,
        Reason = reason,
        RequestedBy = r.GetString(first),
        RequestedAt = new DateTimeOffset(r.GetInt64(first + 1), TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(r.GetInt32(first + 2))),
        CorrelationId = r.IsDBNull(first + 3) ? null : r.GetString(first + 3),
    };
}

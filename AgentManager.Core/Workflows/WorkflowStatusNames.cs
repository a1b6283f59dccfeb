namespace AgentManager.Workflows;

/// <summary>Wire names of <see cref="WorkflowStatus"/> values, as used in JSON and events.</summary>
public static class WorkflowStatusNames
{
    /// <summary>Gets the lowercase wire name, e.g. <c>completed</c>.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The wire name.</returns>
    public static string ToWireName(this WorkflowStatus status) => status switch
    {
        WorkflowStatus.Created => "created",
        WorkflowStatus.Running => "running",
        WorkflowStatus.Completed => "completed",
        WorkflowStatus.Failed => "failed",
        WorkflowStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown workflow status."),
    };

    /// <summary>Tells whether the workflow has finished for good.</summary>
    /// <param name="status">The status.</param>
    /// <returns><see langword="true"/> for completed, failed and cancelled.</returns>
    public static bool IsFinished(this WorkflowStatus status) =>
        status is WorkflowStatus.Completed or WorkflowStatus.Failed or WorkflowStatus.Cancelled;

    /// <summary>Reads a wire name back.</summary>
    /// <param name="value">The wire name, e.g. <c>running</c>.</param>
    /// <param name="status">The status, when the name is known.</param>
    /// <returns><see langword="true"/> when the name is known.</returns>
    public static bool TryParse(string? value, out WorkflowStatus status) => EnumWireNames.TryParse(value, ToWireName, out status);
}

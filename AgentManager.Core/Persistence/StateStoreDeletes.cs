using AgentManager.Workflows;

namespace AgentManager.Persistence;

/// <summary>The refusals of <see cref="IStateStore.DeleteWorkflowAsync"/>, worded the same by every store.</summary>
internal static class StateStoreDeletes
{
    public static WorkflowStateException Unfinished(string workflowId, WorkflowStatus status) =>
        new(workflowId, status, $"Workflow '{workflowId}' is {status.ToWireName()}; only a finished (completed, failed or cancelled) workflow can be deleted. Cancel it first.");

    public static WorkflowStateException ScheduledRun(string workflowId, WorkflowStatus status, string scheduleId) =>
        new(workflowId, status, $"Workflow '{workflowId}' is the run that schedule '{scheduleId}' still counts as running; delete it once the schedule has taken note that it finished.");
}

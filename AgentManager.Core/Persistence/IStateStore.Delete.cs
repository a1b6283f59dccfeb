using AgentManager.Workflows;

namespace AgentManager.Persistence;

/// <summary>Deleting one workflow from a state store.</summary>
public partial interface IStateStore
{
    /// <summary>Deletes one finished workflow (completed, failed or cancelled) with its tasks, transitions, events
    /// and human decisions, in one step: either all of it is gone or nothing changed.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="cancellationToken">Cancels the write before it is applied.</param>
    /// <returns><see langword="true"/> when the workflow was deleted; <see langword="false"/> when the store has
    /// no such workflow.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="workflowId"/> is null.</exception>
    /// <exception cref="WorkflowStateException">The workflow is not finished, or a schedule still counts it as
    /// its running run (<see cref="ScheduleRecord.RunningWorkflowId"/>); nothing was deleted.</exception>
    Task<bool> DeleteWorkflowAsync(string workflowId, CancellationToken cancellationToken);
}

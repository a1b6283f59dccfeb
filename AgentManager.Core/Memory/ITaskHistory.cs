namespace AgentManager.Memory;

/// <summary>The record of how tasks ended, queried by workflow, task, agent, final state and time.</summary>
/// <remarks>An outcome is keyed by workflow, task and attempt count: recording the same key again replaces
/// the earlier outcome (so a replay after a crash adds no duplicate), while a task that ends again after
/// more attempts (for example after a human retry) adds a new one. Implementations are safe to call from
/// several threads.</remarks>
public interface ITaskHistory
{
    /// <summary>Records an outcome, replacing one with the same workflow, task and attempt count.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <param name="cancellationToken">Cancels the write before it is applied.</param>
    /// <returns>A task that completes when the outcome is stored.</returns>
    Task RecordAsync(TaskOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Finds outcomes, newest first (by <see cref="TaskOutcome.FinishedAt"/>, then latest recorded).</summary>
    /// <param name="query">The conditions and the limit.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>At most <see cref="TaskHistoryQuery.Limit"/> outcomes.</returns>
    Task<IReadOnlyList<TaskOutcome>> QueryAsync(TaskHistoryQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes every outcome of a workflow, as retention does when it purges the workflow.</summary>
    /// <param name="workflowId">The workflow.</param>
    /// <param name="cancellationToken">Cancels the delete before it is applied.</param>
    /// <returns>The deleted outcomes, so that what was derived from them (their semantic memory records) can go
    /// too; empty when the workflow had none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="workflowId"/> is null.</exception>
    Task<IReadOnlyList<TaskOutcome>> DeleteWorkflowAsync(string workflowId, CancellationToken cancellationToken);
}

using AgentManager.Lifecycle;

namespace AgentManager.Workflows;

/// <summary>Creates, runs, cancels and reports workflows of agent tasks.</summary>
public interface IWorkflowEngine
{
    /// <summary>Validates a workflow and stores it, ready to start. Nothing is stored when validation fails.</summary>
    /// <param name="definition">The workflow.</param>
    /// <param name="cancellationToken">Cancels the wait, not an accepted creation.</param>
    /// <returns>The workflow id.</returns>
    /// <exception cref="WorkflowValidationException">The definition breaks a rule; every broken rule is listed.</exception>
    /// <exception cref="Persistence.WorkflowExistsException">Another engine sharing the store created a workflow of the
    /// same id at the same moment, and its creation was stored first; nothing was stored for this call.</exception>
    Task<string> CreateAsync(WorkflowDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>Checks a workflow as <see cref="CreateAsync"/> does (ids, dependencies and cycles, agents registered
    /// or named by a catalog profile, verifiers, timeouts, repair ladders, budgets) without storing anything: for a
    /// definition that is kept to be created later, such as a schedule's. Whether its id is already in use is not
    /// checked.</summary>
    /// <param name="definition">The workflow.</param>
    /// <exception cref="ArgumentNullException"><paramref name="definition"/> is null.</exception>
    /// <exception cref="WorkflowValidationException">The definition breaks a rule; every broken rule is listed.</exception>
    void Validate(WorkflowDefinition definition);

    /// <summary>Starts a created workflow: the blocking <c>before_workflow_run</c> hooks run first, on the
    /// caller; then tasks without dependencies become ready and are dispatched. A workflow that another engine sharing
    /// the store holds (its creator) is started by that engine: this call stores the request and returns, and that
    /// engine runs the hooks and starts the workflow at its next look at the store, within
    /// <see cref="AgentManagerOptions.InboxPollInterval"/>. A later request replaces an earlier one; each is tried once,
    /// so after hooks refused a start (the workflow stays created, a <c>hook_failed</c> event says why) a new request
    /// tries again.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="cancellationToken">Cancels the wait, or the hooks while they run (the workflow then stays
    /// created).</param>
    /// <returns>A task that completes once the start is recorded, or, for a workflow another engine holds, once the
    /// request is stored.</returns>
    /// <exception cref="WorkflowNotFoundException">No such workflow.</exception>
    /// <exception cref="WorkflowStateException">The workflow was already started; or no engine holds it (resume it
    /// first); or another engine holds it and the store keeps no workflow requests (the message names that
    /// engine).</exception>
    /// <exception cref="WorkflowStartBlockedException">A <c>before_workflow_run</c> hook failed without
    /// <c>allow_failure</c>; the workflow stays created and a <c>hook_failed</c> event says why.</exception>
    Task StartAsync(string workflowId, CancellationToken cancellationToken = default);

    /// <summary>Cancels a workflow: running agents are stopped and every unfinished task ends cancelled. A workflow
    /// that another engine sharing the store runs (the one holding its lease) is cancelled by that engine: this call
    /// stores the request and returns, and that engine carries it out at its next look at the store, within
    /// <see cref="AgentManagerOptions.InboxPollInterval"/>. A workflow keeps its first such request.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="reason">Why, recorded with every cancelled task.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes once the cancellation is recorded, or, for a workflow another engine runs, once
    /// the request is stored.</returns>
    /// <exception cref="WorkflowNotFoundException">No such workflow.</exception>
    /// <exception cref="WorkflowStateException">The workflow has already finished; or no engine runs it (resume it
    /// first); or another engine runs it and the store keeps no workflow requests (the message names that
    /// engine).</exception>
    Task CancelAsync(string workflowId, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Waits until the workflow finishes. A workflow that another engine sharing the store runs is watched in
    /// the store, every <see cref="AgentManagerOptions.InboxPollInterval"/>.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="cancellationToken">Stops waiting; the workflow goes on.</param>
    /// <returns>The final summary.</returns>
    /// <exception cref="WorkflowNotFoundException">No such workflow.</exception>
    /// <exception cref="WorkflowStateException">The workflow is unfinished and no engine runs it (none ever did, or the
    /// one that did stopped and none resumed it yet).</exception>
    Task<WorkflowSummary> WaitForCompletionAsync(string workflowId, CancellationToken cancellationToken = default);

    /// <summary>Reads where a workflow stands now.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="WorkflowNotFoundException">No such workflow.</exception>
    Task<WorkflowSummary> GetSummaryAsync(string workflowId, CancellationToken cancellationToken = default);

    /// <summary>Reads the recorded transitions of a workflow, oldest first.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="taskId">Only this task's transitions, or all when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The transitions.</returns>
    /// <exception cref="WorkflowNotFoundException">No such workflow.</exception>
    Task<IReadOnlyList<TaskTransition>> GetTransitionsAsync(string workflowId, string? taskId = null, CancellationToken cancellationToken = default);

    /// <summary>Continues a stored workflow that did not finish, for example after the process was killed.
    /// Completed tasks stay completed and never run again; an attempt that was running when the process
    /// stopped counts as used and its task becomes ready again (<see cref="TaskTrigger.LeaseExpired"/>). A workflow that
    /// another engine asked to cancel (<see cref="CancelAsync"/>) while an engine now gone held it is cancelled as it
    /// resumes.</summary>
    /// <param name="definition">The same definition the workflow was created from (its <see cref="WorkflowDefinition.Id"/>
    /// names the stored workflow): agents and verifiers are code, so the host supplies them again.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes once the resumed state is recorded; await
    /// <see cref="WaitForCompletionAsync"/> for the end.</returns>
    /// <exception cref="WorkflowNotFoundException">No stored workflow has that id.</exception>
    /// <exception cref="WorkflowStateException">The workflow has finished, or this engine already runs it.</exception>
    /// <exception cref="WorkflowValidationException">The definition is invalid or its tasks differ from the stored ones.</exception>
    Task ResumeAsync(WorkflowDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>Deletes workflows that finished more than <paramref name="olderThan"/> ago, with their
    /// tasks, transitions and events, so a long-running host's store does not grow without bound.</summary>
    /// <param name="olderThan">The age, measured on the engine's <see cref="TimeProvider"/>.</param>
    /// <param name="cancellationToken">Cancels the purge.</param>
    /// <returns>The ids of the deleted workflows.</returns>
    Task<IReadOnlyList<string>> PurgeAsync(TimeSpan olderThan, CancellationToken cancellationToken = default);
}

using AgentManager.Persistence;

namespace AgentManager.Inbox;

/// <summary>The human inbox: tasks blocked for a human (level L4 of the repair ladder, or a spent budget), and the
/// decisions people take about them. Works from any process that shares the store with the engine running the
/// workflow.</summary>
/// <remarks>
/// <para>A decision about a workflow this process runs is applied at once, and its errors are thrown to the caller.
/// A decision about a workflow run elsewhere (another process, or none yet) is checked against the store and
/// queued there; the engine that runs the workflow takes it within <c>AgentManagerOptions.InboxPollInterval</c>
/// (or when the workflow is resumed), and either applies it or, when the task is no longer blocked, rejects it
/// (recorded on the decision, logged, and published as <c>human_decision_rejected</c>). A decision is never
/// applied half-way.</para>
/// </remarks>
public interface IHumanInbox
{
    /// <summary>Lists the tasks that wait for a human, read from the store.</summary>
    /// <param name="workflowId">Only this workflow's, or every workflow's when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The blocked tasks, by workflow (oldest first) then task definition order.</returns>
    /// <exception cref="Workflows.WorkflowNotFoundException"><paramref name="workflowId"/> names no stored workflow.</exception>
    Task<IReadOnlyList<BlockedTask>> ListAsync(string? workflowId = null, CancellationToken cancellationToken = default);

    /// <summary>Takes a decision about a blocked task: retry (one more attempt by its own agent; blocked again if
    /// it fails), complete (its dependents become ready), fail or cancel (its dependents are cancelled). The
    /// transition records the actor and the reason.</summary>
    /// <param name="decision">The decision.</param>
    /// <param name="cancellationToken">Cancels the wait, not a decision already taken.</param>
    /// <returns>The decision's record: <see cref="HumanDecisionStatus.Applied"/> when this process runs the
    /// workflow, else <see cref="HumanDecisionStatus.Pending"/> (see <see cref="GetDecisionAsync"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="decision"/> is null.</exception>
    /// <exception cref="InvalidHumanDecisionException">The actor or reason is blank, the actor is <c>engine</c>,
    /// an id is malformed or the action is undefined.</exception>
    /// <exception cref="Workflows.WorkflowNotFoundException">No such workflow.</exception>
    /// <exception cref="TaskNotFoundException">The workflow has no such task.</exception>
    /// <exception cref="TaskNotBlockedException">The task is not blocked for a human (the exception names its state).</exception>
    Task<HumanDecisionRecord> DecideAsync(HumanDecision decision, CancellationToken cancellationToken = default);

    /// <summary>Reads a decision, to learn whether a queued one was applied or rejected.</summary>
    /// <param name="decisionId">The id <see cref="DecideAsync"/> returned.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record, or <see langword="null"/> when the store has none (never taken, or purged with its workflow).</returns>
    Task<HumanDecisionRecord?> GetDecisionAsync(string decisionId, CancellationToken cancellationToken = default);
}

using AgentManager.Hooks;

namespace AgentManager.Workflows;

/// <summary>Raised by <see cref="IWorkflowEngine.StartAsync"/> when a blocking <c>before_workflow_run</c> hook
/// failed: the workflow was not started and stays <see cref="WorkflowStatus.Created"/>.</summary>
public sealed class WorkflowStartBlockedException : AgentManagerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="workflowId">The workflow.</param>
    /// <param name="hooks">The hook run, which is <see cref="HookRunResult.Blocked"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="hooks"/> is null.</exception>
    public WorkflowStartBlockedException(string workflowId, HookRunResult hooks)
        : base($"Workflow '{workflowId}' was not started: {hooks?.Reason ?? "a before_workflow_run hook failed."}")
    {
        ArgumentNullException.ThrowIfNull(hooks);
        WorkflowId = workflowId;
        Hooks = hooks;
    }

    /// <summary>Gets the workflow id.</summary>
    public string WorkflowId { get; }

    /// <summary>Gets the hook run, with every outcome and the hook that blocked.</summary>
    public HookRunResult Hooks { get; }

    /// <summary>Gets the name of the hook that blocked the start.</summary>
    public string HookName => Hooks.BlockedBy?.HookName ?? "";

    /// <summary>Gets why, naming the hook.</summary>
    public string Reason => Hooks.Reason ?? "A before_workflow_run hook failed.";
}

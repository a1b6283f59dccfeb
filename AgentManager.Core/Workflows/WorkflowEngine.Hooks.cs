namespace AgentManager.Workflows;

internal sealed partial class WorkflowEngine
{
    /// <summary>Runs the blocking <c>before_workflow_run</c> hooks on the caller, outside the loop, before the
    /// start command is posted: a blocking failure leaves the workflow created. A workflow that is not created
    /// (or not run here) runs no hooks; the start command then reports why it cannot start.</summary>
    private async Task RunBeforeStartHooksAsync(string workflowId, CancellationToken cancellationToken)
    {
        if (_hooks is null)
        {
            return;
        }

        await ThrowIfNotRunHereAsync(workflowId, "start", cancellationToken).ConfigureAwait(false);
        if (_runs.TryGetValue(workflowId, out var run) && run.Status == WorkflowStatus.Created)
        {
            await _hooks.RunBeforeStartAsync(run, cancellationToken).ConfigureAwait(false);
        }
    }
}

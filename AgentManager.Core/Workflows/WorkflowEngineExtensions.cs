namespace AgentManager.Workflows;

/// <summary>Conveniences over <see cref="IWorkflowEngine"/>.</summary>
public static class WorkflowEngineExtensions
{
    /// <summary>Creates a workflow, starts it and waits until it finishes.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="definition">The workflow.</param>
    /// <param name="cancellationToken">Stops waiting and cancels the workflow.</param>
    /// <returns>The final summary.</returns>
    public static async Task<WorkflowSummary> RunAsync(this IWorkflowEngine engine, WorkflowDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var id = await engine.CreateAsync(definition, cancellationToken).ConfigureAwait(false);
        await engine.StartAsync(id, cancellationToken).ConfigureAwait(false);
        try
        {
            return await engine.WaitForCompletionAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await engine.CancelAsync(id, "The caller stopped waiting.", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }
}

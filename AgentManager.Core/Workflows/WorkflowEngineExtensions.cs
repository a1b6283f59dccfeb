namespace AgentManager.Workflows;

/// <summary>Conveniences over <see cref="IWorkflowEngine"/>.</summary>
public static class WorkflowEngineExtensions
{
    /// <summary>Creates a workflow, starts it and waits until it finishes.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="definition">The workflow.</param>
    /// <param name="cancellationToken">Stops waiting and cancels the workflow.</param>
    /// <returns>The final summary.</returns>
    public static Task<WorkflowSummary> RunAsync(this IWorkflowEngine engine, WorkflowDefinition definition, CancellationToken cancellationToken = default)
    {
        // Not an async method itself: that would keep the definition (an argument) until the workflow finished.
        Task<string> created;
        try
        {
            ArgumentNullException.ThrowIfNull(engine);
            created = engine.CreateAsync(definition, cancellationToken);
        }
        catch (Exception ex)
        {
            return Task.FromException<WorkflowSummary>(ex); // as an async method reports it
        }

        return StartAndWaitAsync(engine, created, cancellationToken);
    }

    private static async Task<WorkflowSummary> StartAndWaitAsync(IWorkflowEngine engine, Task<string> created, CancellationToken cancellationToken)
    {
        var id = await created.ConfigureAwait(false);
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

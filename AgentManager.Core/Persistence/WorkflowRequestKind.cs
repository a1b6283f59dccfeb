namespace AgentManager.Persistence;

/// <summary>What a <see cref="WorkflowRequest"/> asks of the engine that holds the workflow.</summary>
public enum WorkflowRequestKind
{
    /// <summary>Start the created workflow (its <c>before_workflow_run</c> hooks run on that engine).</summary>
    Start = 0,

    /// <summary>Cancel the unfinished workflow.</summary>
    Cancel = 1,
}

using AgentManager.Execution;

namespace AgentManager.Workflows;

/// <summary>A set of tasks with dependencies, and the agents that run them.</summary>
public sealed class WorkflowDefinition
{
    /// <summary>Gets or sets the workflow id; it must match <see cref="Ids.Pattern"/>.</summary>
    /// <value>The default, <see langword="null"/>, lets the engine generate one.</value>
    public string? Id { get; set; }

    /// <summary>Gets or sets a human name.</summary>
    public string? Name { get; set; }

    /// <summary>Gets the tasks.</summary>
    public IList<TaskDefinition> Tasks { get; } = new List<TaskDefinition>();

    /// <summary>Gets agents known only to this workflow, by agent id; they take precedence over agents registered with DI.</summary>
    public IDictionary<string, IAgentRunner> Agents { get; } = new Dictionary<string, IAgentRunner>(StringComparer.Ordinal);

    /// <summary>Gets or sets the agent of tasks that name none.</summary>
    public string? DefaultAgentId { get; set; }

    /// <summary>Gets or sets the directory under which task working directories are created.</summary>
    /// <value>The default, <see langword="null"/>, uses <c>AgentManagerOptions.WorkRoot</c>/&lt;workflow id&gt;.</value>
    public string? WorkRoot { get; set; }

    /// <summary>Gets or sets the repair ladder of the workflow's tasks that set none of their own.</summary>
    /// <value>The default, <see langword="null"/>, uses <c>AgentManagerOptions.Repair</c>.</value>
    public RepairPolicy? Repair { get; set; }

    /// <summary>Gets or sets the most all the workflow's attempts together may consume; once spent, no attempt of any
    /// of its tasks starts.</summary>
    /// <value>The default, <see langword="null"/>, sets no limit.</value>
    public UsageBudget? Budget { get; set; }

    /// <summary>Gets free-form metadata kept with the workflow.</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

using System.Collections.ObjectModel;
using AgentManager.Execution;

namespace AgentManager.Workflows;

/// <summary>One task of a workflow: what to ask which agent, what it waits for, and how its result is checked.</summary>
/// <remarks>The engine copies the definition when the workflow is created; later changes to this object have no effect.</remarks>
public sealed class TaskDefinition
{
    private List<string>? _dependencies;
    private List<string>? _resources;
    private List<string>? _artifacts;
    private Dictionary<string, string>? _metadata;

    /// <summary>Creates a task definition.</summary>
    /// <param name="id">The task id, unique in its workflow; it must match <see cref="Ids.Pattern"/>.</param>
    public TaskDefinition(string id)
    {
        Id = id;
    }

    /// <summary>Gets the task id.</summary>
    public string Id { get; }

    /// <summary>Gets or sets a short human title.</summary>
    public string? Title { get; set; }

    /// <summary>Gets or sets the instructions handed to the agent.</summary>
    /// <value>The default is empty.</value>
    public string Prompt { get; set; } = string.Empty;

    /// <summary>Gets or sets the priority: among ready tasks a higher one is dispatched first; equal ones in the order they became ready.</summary>
    /// <value>The default is 0.</value>
    public int Priority { get; set; }

    /// <summary>Gets the ids of tasks of the same workflow that must complete before this one starts.</summary>
    public IList<string> Dependencies => _dependencies ??= [];

    /// <summary>Gets or sets the agent that runs the task: a key of <see cref="WorkflowDefinition.Agents"/> or of an agent registered with DI.</summary>
    /// <value>The default, <see langword="null"/>, uses <see cref="WorkflowDefinition.DefaultAgentId"/>.</value>
    public string? AgentId { get; set; }

    /// <summary>Gets the resource keys the task holds while it runs (e.g. <c>model:gpt</c>); each key admits as many tasks at once as its capacity.</summary>
    /// <remarks>A task with a <see cref="Workdir"/> also holds the key <c>workdir:&lt;full path&gt;</c>.</remarks>
    public IList<string> Resources => _resources ??= [];

    /// <summary>Gets or sets how many attempts the task's own agent gets (level L1 of the repair ladder); the
    /// repair levels of <see cref="Repair"/> add theirs.</summary>
    /// <value>The default, <see langword="null"/>, uses the engine's retry policy.</value>
    public int? MaxAttempts { get; set; }

    /// <summary>Gets or sets how long one agent run may take before it is cancelled and counted as a failed attempt.</summary>
    /// <value>The default, <see langword="null"/>, uses the engine's default task timeout.</value>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Gets or sets the task's working directory, relative to the workflow's work root; created when missing.</summary>
    /// <value>The default, <see langword="null"/>, runs the agent without a working directory of its own.</value>
    public string? Workdir { get; set; }

    /// <summary>Gets files, relative to <see cref="Workdir"/>, kept in the task attempt's checkpoint after the agent ran.</summary>
    public IList<string> Artifacts => _artifacts ??= [];

    /// <summary>Gets or sets the check that decides whether the agent's work is accepted.</summary>
    /// <value>The default, <see langword="null"/>, accepts every successful agent run.</value>
    public IVerifier? Verifier { get; set; }

    /// <summary>Gets or sets the repair ladder of this task, replacing the workflow's and the engine's as a whole.</summary>
    /// <value>The default, <see langword="null"/>, uses <see cref="WorkflowDefinition.Repair"/>, else
    /// <c>AgentManagerOptions.Repair</c>.</value>
    public RepairPolicy? Repair { get; set; }

    /// <summary>Gets or sets the most this task's attempts may consume, counted from the usage its agents report.</summary>
    /// <value>The default, <see langword="null"/>, sets no limit for the task (the workflow's <see cref="WorkflowDefinition.Budget"/> still applies).</value>
    public UsageBudget? Budget { get; set; }

    /// <summary>Gets free-form metadata handed to the agent.</summary>
    public IDictionary<string, string> Metadata => _metadata ??= new Dictionary<string, string>(StringComparer.Ordinal);

    // The collections are made on first use: a workflow of 100,000 tasks without them then costs 100,000 objects
    // instead of 500,000. The engine reads them through these, which make nothing.
    internal IReadOnlyList<string> DependenciesOrEmpty => _dependencies ?? (IReadOnlyList<string>)[];

    internal IReadOnlyList<string> ResourcesOrEmpty => _resources ?? (IReadOnlyList<string>)[];

    internal IReadOnlyList<string> ArtifactsOrEmpty => _artifacts ?? (IReadOnlyList<string>)[];

    internal IReadOnlyDictionary<string, string> MetadataOrEmpty => _metadata ?? (IReadOnlyDictionary<string, string>)ReadOnlyDictionary<string, string>.Empty;
}

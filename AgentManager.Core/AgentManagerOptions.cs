using AgentManager.Persistence;
using AgentManager.Scheduling;
using AgentManager.Workflows;

namespace AgentManager;

/// <summary>Settings of the AgentManager engine, set through <c>services.AddAgentManager(o => ...)</c>.</summary>
public sealed class AgentManagerOptions
{
    /// <summary>Gets or sets how many task attempts run at once, across all workflows.</summary>
    /// <value>The default is 8. Must be at least 1.</value>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>Gets or sets how long one agent run may take when its task sets no timeout.</summary>
    /// <value>The default is 30 minutes. Must be positive and at most 49.7 days (what a timer accepts).</value>
    public TimeSpan DefaultTaskTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Gets or sets how long one verification may take.</summary>
    /// <value>The default is 10 minutes. Must be positive and at most 49.7 days (what a timer accepts).</value>
    public TimeSpan VerificationTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets the retry policy of failed attempts; a task's own <c>MaxAttempts</c> overrides its attempt count.</summary>
    public RetryPolicy Retry { get; } = new();

    /// <summary>Gets the repair ladder of tasks whose workflow and definition set none.</summary>
    /// <remarks>By default only L1 (the retries above) is on: a task fails once its attempts are used. Switch on
    /// L2 (repair agent), L3 (escalation agent) and L4 (block for a human) here; see <see cref="RepairPolicy"/>.</remarks>
    public RepairPolicy Repair { get; } = new();

    /// <summary>Gets or sets how often the engine looks in the store for what other processes stored for the workflows
    /// it runs: human decisions (while it runs a task blocked for a human) and start and cancel requests (while it runs
    /// any workflow).</summary>
    /// <value>The default is 1 second. Must be positive and at most 49.7 days (what a timer accepts).</value>
    public TimeSpan InboxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets the capacity of resource keys: how many running tasks may hold the key at once.</summary>
    /// <remarks>Keys not listed here have <see cref="DefaultResourceCapacity"/>.</remarks>
    public IDictionary<string, int> ResourceCapacities { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Gets or sets the capacity of resource keys not listed in <see cref="ResourceCapacities"/>.</summary>
    /// <value>The default is 1: tasks declaring the same key run one at a time. Must be at least 1.</value>
    public int DefaultResourceCapacity { get; set; } = 1;

    /// <summary>Gets or sets how many events may wait for one slow subscriber before publishers wait too.</summary>
    /// <value>The default is 1024. Must be at least 1.</value>
    public int EventSubscriberCapacity { get; set; } = 1024;

    /// <summary>Gets or sets the directory under which each workflow gets its work root (&lt;WorkRoot&gt;/&lt;workflow id&gt;).</summary>
    /// <value>The default is <c>agentmanager-runs</c>, relative to the current directory.</value>
    public string WorkRoot { get; set; } = "agentmanager-runs";

    /// <summary>Gets or sets the longest prompt, in characters, built for an agent that has a profile in the
    /// <c>AgentCatalog</c>; longer prompts are cut at paragraph boundaries and say so (see <c>PromptBuilder</c>).</summary>
    /// <value>The default is 16000. Must be at least 200.</value>
    public int MaxPromptChars { get; set; } = Agents.PromptBuilder.DefaultMaxChars;

    /// <summary>Gets or sets how many characters of agent output are kept with a task record.</summary>
    /// <value>The default is 4096. Must not be negative.</value>
    public int OutputTailChars { get; set; } = 4096;

    /// <summary>Gets or sets how long an engine's lease on a workflow lasts unless renewed. Another engine (another
    /// process on the same store) takes an unfinished workflow over only once its lease expired, or at once when the
    /// holder's process on the same host is gone.</summary>
    /// <value>The default is 30 seconds. Must be positive and longer than <see cref="LeaseRenewInterval"/>.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how often the engine renews the leases of all the workflows it runs, in one store call.</summary>
    /// <value>The default is 10 seconds. Must be positive and shorter than <see cref="LeaseDuration"/>.</value>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the automatic retention of finished workflows; off by default.</summary>
    public RetentionOptions Retention { get; } = new();
}

namespace AgentManager.Persistence;

/// <summary>Automatic retention: how long finished workflows are kept before a hosted service purges them,
/// so that a long-running host (a schedule firing every minute, say) does not grow its store without bound.</summary>
public sealed class RetentionOptions
{
    private static readonly TimeSpan MaxInterval = TimeSpan.FromDays(49);

    /// <summary>Gets or sets how long after it finished (completed, failed or cancelled) a workflow is purged,
    /// with its tasks, transitions, events, checkpoints and working memory, and, unless <see cref="KeepMemory"/>,
    /// its task history and the semantic memory records of its task outcomes.</summary>
    /// <value>The default, <see langword="null"/>, turns retention off. Must not be negative.</value>
    public TimeSpan? FinishedWorkflowTtl { get; set; }

    /// <summary>Gets or sets whether the task history and the outcome records in semantic memory of purged
    /// workflows are kept as long-term memory.</summary>
    /// <value>The default is <see langword="false"/>: they are deleted with their workflow.</value>
    public bool KeepMemory { get; set; }

    /// <summary>Gets or sets whether a purged workflow's work root is deleted with everything in it (the agents'
    /// working directories and what they wrote), when it is the engine's own:
    /// <c>AgentManagerOptions.WorkRoot</c>/&lt;workflow id&gt;. A work root the workflow's definition names
    /// itself is never deleted.</summary>
    /// <value>The default is <see langword="false"/>: work roots stay for their owner to keep or remove.</value>
    public bool DeleteWorkRoots { get; set; }

    /// <summary>Gets or sets how often the purge runs, on the engine's <see cref="TimeProvider"/>; the first
    /// run is one interval after the host starts.</summary>
    /// <value>The default is 1 hour. Must be positive and at most 49 days.</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Checks the settings.</summary>
    /// <param name="prefix">Put before each setting's name in the messages.</param>
    /// <returns>One sentence per broken rule; empty when the settings are valid.</returns>
    public IReadOnlyList<string> Validate(string prefix = "")
    {
        var errors = new List<string>();
        if (FinishedWorkflowTtl < TimeSpan.Zero)
        {
            errors.Add($"{prefix}{nameof(FinishedWorkflowTtl)} is {FinishedWorkflowTtl}; it must not be negative.");
        }

        if (Interval <= TimeSpan.Zero || Interval > MaxInterval)
        {
            errors.Add($"{prefix}{nameof(Interval)} is {Interval}; it must be positive and at most {MaxInterval.TotalDays} days.");
        }

        return errors;
    }
}

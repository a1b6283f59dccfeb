namespace AgentManager.Workflows;

/// <summary>The repair ladder: what the engine does, level after level, when a task's attempts fail.</summary>
/// <remarks>
/// <para>L1 (<see cref="RepairLevel.Retry"/>) always comes first: the task's own agent is retried with the
/// engine's <c>RetryPolicy</c> backoff until the task's <c>MaxAttempts</c> are used. Then, in order and only when
/// switched on: L2 hands the task to the repair agent, L3 to the escalation agent, L4 blocks it
/// (<c>blocked_hitl</c>) until a human decides through the inbox. When no level is left the task fails.</para>
/// <para>The default policy switches L2, L3 and L4 off: a task fails once its own attempts are used, so that an
/// embedded engine never leaves a task waiting for a person nobody told about. Set a policy on
/// <c>AgentManagerOptions.Repair</c> (every task), <see cref="WorkflowDefinition.Repair"/> (a workflow) or
/// <see cref="TaskDefinition.Repair"/> (one task); the most specific one applies, whole.</para>
/// </remarks>
public sealed class RepairPolicy
{
    /// <summary>The repair agent used when <see cref="RepairAgentId"/> is not changed: the built-in <c>supervisor</c>.</summary>
    public const string DefaultRepairAgentId = "supervisor";

    /// <summary>The escalation agent used when <see cref="EscalationAgentId"/> is not changed: the built-in high-layer <c>manager</c>.</summary>
    public const string DefaultEscalationAgentId = "manager";

    /// <summary>Gets or sets whether L2 runs: the repair agent takes over once the task's own attempts are used.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool UseRepairAgent { get; set; }

    /// <summary>Gets or sets the agent of L2; it must be registered (with DI or in the workflow's agents).</summary>
    /// <value>The default is <see cref="DefaultRepairAgentId"/>.</value>
    public string RepairAgentId { get; set; } = DefaultRepairAgentId;

    /// <summary>Gets or sets how many attempts the repair agent gets.</summary>
    /// <value>The default is 1. Must be at least 1.</value>
    public int RepairAttempts { get; set; } = 1;

    /// <summary>Gets or sets whether L3 runs: the escalation agent takes over once L2 (when on) is used up.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool UseEscalation { get; set; }

    /// <summary>Gets or sets the agent of L3, normally a high-layer one; it must be registered.</summary>
    /// <value>The default is <see cref="DefaultEscalationAgentId"/>.</value>
    public string EscalationAgentId { get; set; } = DefaultEscalationAgentId;

    /// <summary>Gets or sets how many attempts the escalation agent gets.</summary>
    /// <value>The default is 1. Must be at least 1.</value>
    public int EscalationAttempts { get; set; } = 1;

    /// <summary>Gets or sets whether L4 runs: instead of failing, the task is blocked until a human decides.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool BlockForHuman { get; set; }

    /// <summary>Gets or sets how long a task blocked for a human waits before <see cref="DeadlineAction"/> is applied.</summary>
    /// <value>The default, <see langword="null"/>, waits for ever. When set, must be positive and at most 49.7 days (what a timer accepts).</value>
    public TimeSpan? HumanDeadline { get; set; }

    /// <summary>Gets or sets what happens when <see cref="HumanDeadline"/> passes.</summary>
    /// <value>The default is <see cref="Workflows.DeadlineAction.Fail"/>.</value>
    public DeadlineAction DeadlineAction { get; set; } = DeadlineAction.Fail;

    /// <summary>Creates a policy with every level switched on (L1 to L4) and the default agents.</summary>
    /// <returns>A new policy; change its properties as needed.</returns>
    public static RepairPolicy FullLadder() => new() { UseRepairAgent = true, UseEscalation = true, BlockForHuman = true };

    /// <summary>Lists every rule this policy breaks, each as a sentence naming the property and its value.</summary>
    /// <param name="prefix">Prepended to property names, e.g. <c>Repair.</c>.</param>
    /// <returns>The failures; empty when the policy is valid. Whether the agents are registered is checked when a
    /// workflow is created.</returns>
    public IReadOnlyList<string> Validate(string prefix = "")
    {
        var errors = new List<string>();
        if (UseRepairAgent)
        {
            CheckAgent(RepairAgentId, nameof(RepairAgentId));
            CheckAttempts(RepairAttempts, nameof(RepairAttempts));
        }

        if (UseEscalation)
        {
            CheckAgent(EscalationAgentId, nameof(EscalationAgentId));
            CheckAttempts(EscalationAttempts, nameof(EscalationAttempts));
        }

        if (HumanDeadline is { } deadline && TimerLimit.CheckPositive(prefix + nameof(HumanDeadline), deadline) is { } deadlineError)
        {
            errors.Add(deadlineError);
        }

        if (!Enum.IsDefined(DeadlineAction))
        {
            errors.Add($"{prefix}{nameof(DeadlineAction)} is {(int)DeadlineAction}; it must be Fail, Cancel or Retry.");
        }

        return errors;

        void CheckAgent(string? agentId, string property)
        {
            if (!Ids.IsValid(agentId))
            {
                errors.Add($"{prefix}{property}: {Ids.Describe(agentId)}");
            }
        }

        void CheckAttempts(int attempts, string property)
        {
            if (attempts < 1)
            {
                errors.Add($"{prefix}{property} is {attempts}; it must be at least 1.");
            }
        }
    }

    /// <summary>Gets the agent that runs a level, or <see langword="null"/> for L1 (the task's own) and L4 (none).</summary>
    internal string? AgentOf(RepairLevel level) => level switch
    {
        RepairLevel.Repair => RepairAgentId,
        RepairLevel.Escalation => EscalationAgentId,
        _ => null,
    };

    /// <summary>Gets whether a level after L1 is switched on.</summary>
    internal bool Uses(RepairLevel level) => level switch
    {
        RepairLevel.Retry => true,
        RepairLevel.Repair => UseRepairAgent,
        RepairLevel.Escalation => UseEscalation,
        RepairLevel.Human => BlockForHuman,
        _ => false,
    };

    /// <summary>Copies the policy, so that later changes to the original do not reach a created workflow.</summary>
    internal RepairPolicy Clone() => (RepairPolicy)MemberwiseClone();
}
